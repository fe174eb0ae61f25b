package org.ferrymq.tck;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The main of the TCK's server JVM: {@code TckServerMain <owner pid> <settings file>} runs the
 * standalone server ({@code org.ferrymq.standalone.FerryServer}'s main with the settings file)
 * for as long as the process {@code owner pid} lives, the Maven JVM that started it (see
 * {@link TckServer}). Normally {@link TckServer} stops it with SIGTERM at the end of the run;
 * should Maven die first (killed, or a build that ends before post-integration-test), the
 * server must not stay behind holding its port and journal, so it exits when its owner has
 * gone, which runs FerryServer's shutdown hook: the same clean stop as SIGTERM.
 *
 * <p>FerryServer is reached by name because the server module is a dependency of the tck
 * profile only, so that the default build of this module does not need it.
 */
public final class TckServerMain {

    private TckServerMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length != 2) {
            System.err.println("usage: TckServerMain <owner pid> <settings file>");
            System.exit(2);
        }
        long ownerPid = Long.parseLong(args[0]);
        Optional<ProcessHandle> owner = ProcessHandle.of(ownerPid);
        if (owner.isEmpty()) {
            System.err.println("TCK server: its owner (pid " + ownerPid + ") has already gone; not starting");
            System.exit(2);
        }
        owner.get().onExit().thenRun(() -> {
            System.err.println("TCK server: its owner (pid " + ownerPid + ") has gone; stopping");
            System.exit(0);
        });
        try {
            Class.forName("org.ferrymq.standalone.FerryServer").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {args[1]});
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

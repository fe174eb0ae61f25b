package org.ferrymq.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the real PostgreSQL or MariaDB server of this machine, with the commands
 * the machine itself uses, for tests of what FerryMQ does while its database is away.
 */
final class DatabaseServer {

    private final String name;

    DatabaseServer(String name) {
        this.name = name;
    }

    void stop() throws Exception {
        if (name.equals("postgresql")) {
            run("pg_ctlcluster", "--skip-systemctl-redirect", postgresVersion(), "main", "stop", "-m", "fast");
        } else {
            run("mariadb-admin", "-h", "127.0.0.1", "-u", "root", "shutdown");
            // the server stops answering before its process ends; starting it again meanwhile would do nothing
            long deadline = System.currentTimeMillis() + 60_000;
            while (new ProcessBuilder("pgrep", "-x", "mariadbd").start().waitFor() == 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("mariadbd did not exit within 60 s of its shutdown");
                }
                Thread.sleep(200);
            }
        }
        awaitReady(false);
    }

    void start() throws Exception {
        if (name.equals("postgresql")) {
            run("pg_ctlcluster", "--skip-systemctl-redirect", postgresVersion(), "main", "start");
        } else {
            run("start-stop-daemon", "--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd");
        }
        awaitReady(true);
    }

    private boolean ready() throws Exception {
        Process p = name.equals("postgresql")
                ? new ProcessBuilder("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432").start()
                : new ProcessBuilder("mariadb-admin", "-h", "127.0.0.1", "-u", "root", "ping").start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private void awaitReady(boolean expected) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (ready() != expected) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(name + " did not " + (expected ? "start" : "stop") + " within 60 s");
            }
            Thread.sleep(200);
        }
    }

    private static String postgresVersion() throws IOException {
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}

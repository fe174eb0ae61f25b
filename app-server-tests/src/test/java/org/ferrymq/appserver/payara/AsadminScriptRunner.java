package org.ferrymq.appserver.payara;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.spi.ContainerRegistry;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeUnDeploy;
import org.jboss.arquillian.container.spi.event.container.DeployerEvent;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.arquillian.test.spi.TestClass;

/**
 * Runs a test class's {@link AsadminScripts} with the domain's own {@code bin/asadmin} against
 * the domain Arquillian started (its {@code payaraHome} and {@code adminPort}). The Payara
 * connector has no hook between two deployments; this observer of Arquillian's deployment
 * events is that hook. A failing setup command fails the deployment, with asadmin's output; a
 * failing teardown command is only reported, so that the undeployment is still tried (after a
 * failed setup, deleting what was never created fails).
 */
public class AsadminScriptRunner {

    private static final Pattern FAILED_COMMAND = Pattern.compile("(?m)^Command \\S+ failed\\.$");

    @Inject
    private Instance<TestClass> testClass;

    @Inject
    private Instance<ContainerRegistry> containers;

    public void afterDeploy(@Observes AfterDeploy event) throws IOException, InterruptedException {
        AsadminScripts scripts = scriptsAround(event);
        if (scripts != null) {
            String failure = run(event, scripts.setup());
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }
    }

    public void beforeUndeploy(@Observes BeforeUnDeploy event) throws IOException, InterruptedException {
        AsadminScripts scripts = scriptsAround(event);
        if (scripts != null) {
            String failure = run(event, scripts.teardown());
            if (failure != null) {
                System.out.println("WARNING " + failure);
            }
        }
    }

    private AsadminScripts scriptsAround(DeployerEvent event) {
        TestClass test = testClass.get();
        AsadminScripts scripts = test == null ? null : test.getAnnotation(AsadminScripts.class);
        return scripts != null && scripts.deployment().equals(event.getDeployment().getName()) ? scripts : null;
    }

    /** Runs the script; returns null if every command succeeded, else what failed. */
    private String run(DeployerEvent event, String script) throws IOException, InterruptedException {
        Map<String, String> configuration = containers.get().getContainer(event.getDeployment().getTarget())
                .getContainerConfiguration().getContainerProperties();
        String payaraHome = configuration.get("payaraHome");
        if (payaraHome == null) {
            throw new IllegalStateException("@AsadminScripts on " + testClass.get().getName()
                    + " needs a Payara container (payaraHome in arquillian.xml); this one has " + configuration.keySet());
        }
        List<String> command = List.of(Path.of(payaraHome, "bin", "asadmin").toString(),
                "--host", configuration.getOrDefault("adminHost", "localhost"),
                "--port", configuration.getOrDefault("adminPort", "4848"),
                "--echo=true", "multimode", "--file", file(script).toString());
        Process asadmin = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(asadmin.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = asadmin.waitFor();
        System.out.println("asadmin multimode --file " + script + " (exit " + exit + "):\n" + output);
        // multimode goes on after a failed command and still exits 0; it reports each failure
        if (exit != 0 || FAILED_COMMAND.matcher(output).find()) {
            return "asadmin script " + script + " failed (exit code " + exit
                    + "); fix the command that failed, or the domain's state it met:\n" + output;
        }
        return null;
    }

    private static Path file(String script) {
        URL url = AsadminScriptRunner.class.getResource(script);
        if (url == null) {
            throw new IllegalArgumentException("asadmin script " + script + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("asadmin script " + script + " is not a file: " + url, e);
        }
    }

    /** Registers the runner with Arquillian on the test's side. */
    public static class Extension implements LoadableExtension {

        @Override
        public void register(ExtensionBuilder builder) {
            builder.observer(AsadminScriptRunner.class);
        }
    }
}

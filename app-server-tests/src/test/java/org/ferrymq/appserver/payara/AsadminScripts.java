package org.ferrymq.appserver.payara;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Configures the running Payara domain around one of the test class's deployments, as an
 * administrator would: {@code setup} runs right after {@code deployment} is deployed (so before
 * the deployments that follow it), {@code teardown} right before it is undeployed. Each is an
 * {@code asadmin multimode} file on the test classpath, run by {@link AsadminScriptRunner}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AsadminScripts {

    /** The name of the {@code @Deployment} the scripts surround. */
    String deployment();

    /** Classpath resource: the commands run after the deployment. */
    String setup();

    /** Classpath resource: the commands run before the undeployment, undoing {@link #setup}. */
    String teardown();
}

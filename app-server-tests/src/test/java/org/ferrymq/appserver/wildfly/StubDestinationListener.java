package org.ferrymq.appserver.wildfly;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * An MDB bound to the stub adapter. Without {@code @ResourceAdapter} WildFly would bind it to
 * the default adapter of standalone-full.xml, its own ActiveMQ Artemis ("activemq-ra").
 */
@MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "destination", propertyValue = "wildfly-smoke"))
@ResourceAdapter("stub-ra.rar")
public class StubDestinationListener implements MessageListener {

    @Override
    public void onMessage(Message message) {
    }
}

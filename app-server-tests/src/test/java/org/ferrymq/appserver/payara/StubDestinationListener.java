package org.ferrymq.appserver.payara;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * An MDB bound to the stub adapter through Payara's "resourceAdapter" activation property (the
 * rar's module name: its file name less ".rar"). Without it Payara would bind the MDB to its
 * default JMS adapter, OpenMQ's "jmsra".
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "stub-ra"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "payara-smoke")})
public class StubDestinationListener implements MessageListener {

    @Override
    public void onMessage(Message message) {
    }
}

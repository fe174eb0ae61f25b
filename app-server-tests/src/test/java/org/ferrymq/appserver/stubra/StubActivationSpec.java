package org.ferrymq.appserver.stubra;

import jakarta.jms.MessageListener;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

/** The activation of a JMS message listener on the stub adapter: just a destination name. */
@Activation(messageListeners = MessageListener.class)
public class StubActivationSpec implements ActivationSpec {

    private ResourceAdapter resourceAdapter;

    @ConfigProperty(description = "Name of the destination the endpoint listens on")
    private String destination;

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    @Override
    public void validate() throws InvalidPropertyException {
        if (destination == null || destination.isBlank()) {
            throw new InvalidPropertyException("Activation property 'destination' is not set; "
                    + "name the destination in an @ActivationConfigProperty");
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter resourceAdapter) {
        this.resourceAdapter = resourceAdapter;
    }
}

/**
 * The example application for an application server with {@code ferrymq-ra.rar} deployed: an
 * order desk. {@link org.ferrymq.examples.ee.OrderDesk}, a stateless bean, writes an order row
 * and sends an event about it in one container-managed JTA transaction;
 * {@link org.ferrymq.examples.ee.Shipping}, a message-driven bean, consumes the event and marks
 * the order shipped in a transaction of its own. Both transactions are two-phase commits over
 * the database and FerryMQ, so an order is never placed without its event, nor shipped twice.
 *
 * <p>Plain Jakarta EE 10 code: nothing here names a FerryMQ class. The server's configuration
 * binds the adapter's connection factory and queue at the names in
 * {@link org.ferrymq.examples.ee.OrderDesk}, and binds the message-driven bean to the adapter
 * (see the README's application server section).
 */
package org.ferrymq.examples.ee;

package org.ferrymq.appserver.app;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What the remote-server test, running as a client (it kills and restarts the FerryMQ server
 * in between), asks the application over HTTP: {@code POST /remote/table},
 * {@code POST /remote/send?text=} (to the orders queue, in a transaction of its own),
 * {@code POST /remote/place?id=&rollbackOnly=} (a row and a message in one container-managed
 * transaction; 500 with the failure when it does not commit), {@code POST /remote/place-and-wait?id=}
 * (the same, waiting before the commit until {@code POST /remote/release?id=}),
 * {@code GET /remote/waiting?id=} ({@code true} while it waits), {@code GET /remote/rows?id=} (a
 * count) and {@code GET /remote/received?seconds=} (the orders bean's next message, or 204
 * after that many seconds).
 */
@WebServlet("/remote/*")
public class RemoteServerEndpoint extends TestEndpoint {

    private static final long serialVersionUID = 1L;

    @EJB
    private OrderService orders;

    @EJB
    private Sender sender;

    @EJB
    private PausingOrderService pausing;

    @Override
    protected void post(String path, HttpServletRequest request) throws Exception {
        switch (path) {
            case "/table" -> orders.createTable();
            case "/send" -> sender.toOrders(request.getParameter("text"), false);
            case "/place" -> orders.place(request.getParameter("id"),
                    Boolean.parseBoolean(request.getParameter("rollbackOnly")));
            case "/place-and-wait" -> pausing.placeAndWait(request.getParameter("id"));
            case "/release" -> PausingOrderService.release(request.getParameter("id"));
            default -> throw new UnknownPath(path);
        }
    }

    @Override
    protected String get(String path, HttpServletRequest request) throws Exception {
        return switch (path) {
            case "/rows" -> Long.toString(orders.count(request.getParameter("id")));
            case "/waiting" -> Boolean.toString(PausingOrderService.waiting(request.getParameter("id")));
            case "/received" -> Received.next("orders", Integer.parseInt(request.getParameter("seconds")));
            default -> throw new UnknownPath(path);
        };
    }
}

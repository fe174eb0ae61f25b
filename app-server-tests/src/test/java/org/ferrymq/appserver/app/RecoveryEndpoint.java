package org.ferrymq.appserver.app;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What a crash-recovery test, running as a client, asks the application over HTTP (the server
 * is killed and restarted in between, so in-container test calls are not available):
 * {@code POST /recovery/table}, {@code POST /recovery/place?id=} (never answers),
 * {@code GET /recovery/rows?id=} (a count) and {@code GET /recovery/received?seconds=} (the
 * orders bean's next message, or 204 after that many seconds).
 */
@WebServlet("/recovery/*")
public class RecoveryEndpoint extends TestEndpoint {

    private static final long serialVersionUID = 1L;

    @EJB
    private StallingOrderService orders;

    @Override
    protected void post(String path, HttpServletRequest request) throws Exception {
        switch (path) {
            case "/table" -> orders.createTable();
            case "/place" -> orders.placeAndStallInCommit(request.getParameter("id"));
            default -> throw new UnknownPath(path);
        }
    }

    @Override
    protected String get(String path, HttpServletRequest request) throws Exception {
        return switch (path) {
            case "/rows" -> Long.toString(orders.count(request.getParameter("id")));
            case "/received" -> Received.next("orders", Integer.parseInt(request.getParameter("seconds")));
            default -> throw new UnknownPath(path);
        };
    }
}

package org.ferrymq.appserver.app;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * What a crash-recovery test, running as a client, asks the application over HTTP (the server
 * is killed and restarted in between, so in-container test calls are not available):
 * {@code POST /recovery/table}, {@code POST /recovery/place?id=} (never answers),
 * {@code GET /recovery/rows?id=} (a count) and {@code GET /recovery/received?seconds=} (the
 * orders bean's next message, or 204 after that many seconds).
 */
@WebServlet("/recovery/*")
public class RecoveryEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private StallingOrderService orders;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            switch (request.getPathInfo()) {
                case "/table" -> orders.createTable();
                case "/place" -> orders.placeAndStallInCommit(request.getParameter("id"));
                default -> {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
            }
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } catch (Exception e) {
            throw new IOException(request.getPathInfo() + " failed: " + e, e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String answer;
            switch (request.getPathInfo()) {
                case "/rows" -> answer = Long.toString(orders.count(request.getParameter("id")));
                case "/received" -> answer = Received.next("orders", Integer.parseInt(request.getParameter("seconds")));
                default -> {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
            }
            if (answer == null) {
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            } else {
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().write(answer);
            }
        } catch (Exception e) {
            throw new IOException(request.getPathInfo() + " failed: " + e, e);
        }
    }
}

package org.ferrymq.appserver.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet that a test running as a client (outside the server it kills and restarts) calls
 * over HTTP: a POST answers 204 No Content when its action succeeded and 500 with the failure
 * when not; a GET answers its text, or 204 for none; an unknown path answers 404.
 */
public abstract class TestEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Does what POST {@code path} asks; throws {@link UnknownPath} for a path it does not know. */
    protected abstract void post(String path, HttpServletRequest request) throws Exception;

    /** The answer to GET {@code path}, or null for none; throws {@link UnknownPath} for a path it does not know. */
    protected abstract String get(String path, HttpServletRequest request) throws Exception;

    @Override
    protected final void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            post(request.getPathInfo(), request);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } catch (UnknownPath e) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        } catch (Exception e) {
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, request.getPathInfo() + " failed: " + e);
        }
    }

    @Override
    protected final void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String answer;
        try {
            answer = get(request.getPathInfo(), request);
        } catch (UnknownPath e) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        } catch (Exception e) {
            throw new IOException(request.getPathInfo() + " failed: " + e, e);
        }
        if (answer == null) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(answer);
        }
    }

    /** A path this endpoint does not serve. */
    protected static final class UnknownPath extends Exception {

        private static final long serialVersionUID = 1L;

        public UnknownPath(String path) {
            super(path);
        }
    }
}

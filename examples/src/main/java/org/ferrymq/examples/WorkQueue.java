package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Competing consumers: three workers share one queue of jobs, and the queue hands every
 * job to exactly one of them.
 *
 * <p>Each worker is a MessageListener in a session of its own: a session runs one listener
 * at a time, so separate sessions are what lets the workers work in parallel.
 */
public final class WorkQueue {

    private static final int JOBS = 30;
    private static final int WORKERS = 3;
    private static final long TIMEOUT_SECONDS = 10;

    private WorkQueue() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue jobs = (Queue) jndi.lookup("jobs");
        jndi.close();

        // job number -> the workers that did it: exactly one each, if all goes well
        Map<Integer, List<String>> doneBy = new ConcurrentHashMap<>();
        // worker -> the jobs it did, in the order it did them
        Map<String, List<Integer>> jobsOf = new TreeMap<>();
        List<Exception> workerErrors = new CopyOnWriteArrayList<>();
        CountDownLatch allDone = new CountDownLatch(JOBS);

        try (Connection connection = factory.createConnection()) {
            for (int w = 1; w <= WORKERS; w++) {
                String worker = "worker-" + w;
                List<Integer> done = new CopyOnWriteArrayList<>();
                jobsOf.put(worker, done);
                Session session = connection.createSession(Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(jobs);
                consumer.setMessageListener(message -> {
                    try {
                        int job = message.getIntProperty("job");
                        Thread.sleep(job % 3); // jobs take a little, and not all the same, time
                        doneBy.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>()).add(worker);
                        done.add(job);
                    } catch (JMSException e) {
                        workerErrors.add(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        workerErrors.add(e);
                    } finally {
                        allDone.countDown();
                    }
                });
            }
            connection.start(); // the workers are listening before the first job is sent

            Session dispatcher = connection.createSession(Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = dispatcher.createProducer(jobs);
            for (int job = 1; job <= JOBS; job++) {
                TextMessage message = dispatcher.createTextMessage("job " + job);
                message.setIntProperty("job", job);
                producer.send(message);
            }
            System.out.println("Sent " + JOBS + " jobs to queue '" + jobs.getQueueName() + "', shared by "
                    + WORKERS + " workers");

            if (!allDone.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new ExampleFailure("Only " + (JOBS - allDone.getCount()) + " of " + JOBS
                        + " jobs were done within " + TIMEOUT_SECONDS + " s; done: " + new TreeMap<>(doneBy));
            }
        } // close() waits for running listeners, whose messages are then acknowledged

        jobsOf.forEach((worker, done) -> System.out.println(worker + " did " + done.size() + " jobs: " + done));

        if (!workerErrors.isEmpty()) {
            throw new ExampleFailure("A worker failed to read a job: " + workerErrors.get(0), workerErrors.get(0));
        }
        for (int job = 1; job <= JOBS; job++) {
            List<String> workers = doneBy.getOrDefault(job, List.of());
            if (workers.size() != 1) {
                throw new ExampleFailure("Job " + job + " was done " + workers.size()
                        + " times (by " + workers + "); a queue hands each message to exactly one consumer");
            }
        }
        if (doneBy.size() != JOBS) {
            throw new ExampleFailure("Jobs that were never sent were done: " + new TreeMap<>(doneBy).keySet());
        }
        try (Connection connection = factory.createConnection()) {
            QueueBrowser browser = connection.createSession(Session.AUTO_ACKNOWLEDGE).createBrowser(jobs);
            if (browser.getEnumeration().hasMoreElements()) {
                throw new ExampleFailure("Queue '" + jobs.getQueueName()
                        + "' still holds jobs after every job was done and acknowledged");
            }
        }
        System.out.println("Every job was done exactly once, and the queue is empty");
    }
}

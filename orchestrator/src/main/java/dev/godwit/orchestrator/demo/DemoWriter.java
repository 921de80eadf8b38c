package dev.godwit.orchestrator.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The demo's application: small transactions against the shop database (new orders with their lines, paid orders,
 * profile and price changes, events written and deleted) until it is stopped or the cutover's fence ends its session.
 */
final class DemoWriter implements AutoCloseable {
    private final Supplier<Connection> connections;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong transactions = new AtomicLong();
    private final Thread thread;
    private volatile String ended;

    DemoWriter(Supplier<Connection> connections) {
        this.connections = connections;
        this.thread = new Thread(this::run, "demo-writer");
        thread.setDaemon(true);
        thread.start();
    }

    long transactions() {
        return transactions.get();
    }

    /** Why the writer stopped on its own (the fence), if it did. */
    String ended() {
        return ended;
    }

    private void run() {
        Random random = new Random(7);
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            while (running.get()) {
                try (Statement s = c.createStatement()) {
                    long customer = 1 + random.nextInt(20000);
                    s.execute("WITH o AS (INSERT INTO sales.orders (customer_id, status, ordered_at, total) VALUES ("
                            + customer + ", 'new', now(), " + random.nextInt(900) + ".50) RETURNING id)"
                            + " INSERT INTO sales.order_lines (order_id, line_no, sku, quantity, unit_price)"
                            + " SELECT o.id, g, 'SKU-' || lpad((1 + (o.id + g) % 2000)::text, 6, '0'), 1 + g, 9.99"
                            + " FROM o, generate_series(0, " + random.nextInt(3) + ") g");
                    s.execute("UPDATE sales.orders SET status = 'paid' WHERE id = " + (1 + random.nextInt(100000)));
                    s.execute("UPDATE public.customers SET profile = jsonb_set(profile, '{visits}', to_jsonb("
                            + random.nextInt(1000) + ")) WHERE id = " + customer);
                    s.execute("UPDATE inventory.products SET price = price + 0.01 WHERE sku = 'SKU-"
                            + String.format("%06d", 1 + random.nextInt(2000)) + "'");
                    s.execute("INSERT INTO public.events (kind, payload) VALUES ('purchase', jsonb_build_object('customer', "
                            + customer + "))");
                    s.execute("DELETE FROM public.events WHERE id = " + (1 + random.nextInt(300000)));
                }
                c.commit();
                transactions.incrementAndGet();
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            // the fence ends this session (57P01) or refuses its writes (25006): the application is stopped
            ended = e.getSQLState() + " " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}

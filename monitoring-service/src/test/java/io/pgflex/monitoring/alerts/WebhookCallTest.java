package io.pgflex.monitoring.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook goes to the address that was checked, whatever a second lookup would say (DNS rebinding). */
class WebhookCallTest {
    Vertx vertx;
    HttpServer hook;
    final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        vertx = Vertx.vertx();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", x -> {
            hosts.add(x.getRequestHeaders().getFirst("Host"));
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        hook.start();
    }

    @AfterEach
    void stop() {
        hook.stop(0);
        vertx.close();
    }

    @Test
    void connectsToTheAddressItCheckedEvenWhenTheNameWouldNowResolveElsewhere() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // first answer: the receiver; any later answer: somewhere else (a rebinding DNS server's second reply)
        WebhookCall.Resolver rebinding = host -> new InetAddress[] {InetAddress.getByName(
                lookups.getAndIncrement() == 0 ? "127.0.0.1" : "192.0.2.1")};
        try (WebhookCall call = new WebhookCall(vertx, rebinding)) {
            int port = hook.getAddress().getPort();
            assertEquals(204, call.post(URI.create("http://hook.example:" + port + "/hook"), "{}", true));
            assertEquals(1, lookups.get(), "the name is resolved once");
            assertEquals(List.of("hook.example:" + port), hosts, "the receiver sees the URL's host");
        }
    }

    @Test
    void aNameWithAnyPrivateAddressIsRefusedBeforeAnythingIsSent() {
        WebhookCall.Resolver mixed = host -> new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.5")};
        try (WebhookCall call = new WebhookCall(vertx, mixed)) {
            IOException e = assertThrows(IOException.class, () -> call.post(URI.create("http://hook.example/hook"), "{}", false));
            assertTrue(e.getMessage().contains("a private address"), e.getMessage());
            assertEquals(List.of(), hosts);
        }
    }
}

package io.pushcap.kafka;

import io.pushcap.PushcapException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KafkaAdminTest {
    /**
     * The Kafka client's own API timeout and the wait for its answer both run out at the same
     * moment; either way the user reads one message that names the broker. (Before, the client's
     * timeout, when first, gave "Timed out waiting for a node assignment. Call: listNodes".)
     */
    @Test
    void shouldNameTheBrokerWhenNothingListensAtItsPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KafkaLocation where = KafkaLocation.parse("kafka://127.0.0.1:" + port + "/packets");
        for (int attempt = 0; attempt < 3; attempt++) {
            PushcapException e = assertThrows(PushcapException.class, () -> KafkaAdmin.check("target 'k'", where, false, 2));
            assertEquals("target 'k': no broker of kafka://127.0.0.1:" + port + "/packets answered within 2 s"
                    + " (is Kafka running at 127.0.0.1:" + port + "?)", e.getMessage());
        }
    }
}

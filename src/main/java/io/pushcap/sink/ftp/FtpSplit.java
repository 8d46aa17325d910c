package io.pushcap.sink.ftp;

import io.pushcap.sink.SplitOutput;
import io.pushcap.sink.SplitStream;
import org.apache.commons.net.ftp.FTPClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One split being stored over FTP: the STOR data connection to {@code .pending}, then RNFR/RNTO.
 *
 * <p><b>Note:</b> single-threaded. Any failure drops the sink's control connection so the retry
 * starts clean.
 */
final class FtpSplit implements SplitOutput {
    private static final Logger LOG = LoggerFactory.getLogger(FtpSplit.class);

    private final FtpSink sink;
    private final FTPClient client;
    private final FtpLocation loc;
    private final String location;
    private final String pending;
    private final String target;
    private final OutputStream data;
    private final SplitStream stream;

    FtpSplit(FtpSink sink, FTPClient client, FtpLocation loc, String location, String pending, String target,
             OutputStream data) {
        this.sink = sink;
        this.client = client;
        this.loc = loc;
        this.location = location;
        this.pending = pending;
        this.target = target;
        this.data = data;
        this.stream = new SplitStream("FTP " + loc, data::write, e -> failed("STOR " + pending, e));
    }

    private IOException failed(String op, IOException e) {
        sink.disconnect();
        return new FtpSink.FtpException("FTP " + op + " (" + loc + "): " + e.getMessage(), e);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public void commit() throws IOException {
        publish(target);
    }

    /**
     * Renames the pending file to another name in the same directory: a size split named by its
     * last packet's time learns its name only now.
     */
    @Override
    public void commitAs(String finalLocation) throws IOException {
        FtpLocation to;
        try {
            to = FtpLocation.parse(finalLocation);
        } catch (IllegalArgumentException e) {
            throw new IOException("FTP commit " + FtpSink.redact(finalLocation) + ": " + e.getMessage(), e);
        }
        if (!to.host().equals(loc.host()) || to.port() != loc.port() || !to.directory().equals(loc.directory())
                || to.fileName().isEmpty()) {
            throw new IOException("FTP commit " + FtpSink.redact(finalLocation) + ": must stay in " + loc.directory()
                    + " of " + loc.host());
        }
        publish(target.substring(0, target.lastIndexOf('/') + 1) + to.fileName());
    }

    private void publish(String target) throws IOException {
        if (!stream.end()) {
            throw new IOException("FTP " + loc + ": split already ended");
        }
        try {
            data.close();
            if (!client.completePendingCommand()) {
                throw FtpSink.fail("STOR " + pending, loc, client);
            }
            if (!client.rename(pending, target)) {
                // Servers that refuse to rename over a file: remove the old copy, then rename.
                String reply = client.getReplyString().trim();
                if (!client.deleteFile(target) || !client.rename(pending, target)) {
                    throw new FtpSink.FtpException("FTP RNFR/RNTO " + pending + " -> " + target + " (" + loc + "): "
                            + reply + " / " + client.getReplyString().trim());
                }
            }
        } catch (FtpSink.FtpException e) {
            sink.disconnect();
            throw e;
        } catch (IOException e) {
            throw failed("commit", e);
        }
    }

    @Override
    public void abort() {
        if (!stream.end()) {
            // commit failed: the connection is gone; the next attempt replaces the pending file
            return;
        }
        try {
            data.close();
            client.completePendingCommand();
            client.deleteFile(pending);
        } catch (IOException e) {
            LOG.debug("FTP abort {}: {}", loc, e.getMessage());
            sink.disconnect();
        }
    }

    @Override
    public long bytesWritten() {
        return stream.written();
    }

    @Override
    public String location() {
        return location;
    }
}

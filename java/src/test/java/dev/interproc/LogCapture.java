package dev.interproc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records logged on one {@link System.Logger} name while it is open. The JDK's default System.Logger backend
 * is java.util.logging, so a handler on the JUL logger of the same name sees what interproc logs.
 */
final class LogCapture extends Handler implements AutoCloseable {

    /** Held strongly: JUL keeps loggers only weakly, and a collected logger would take the handler with it. */
    private final Logger logger;

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    /** The records captured so far, oldest first. */
    List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}

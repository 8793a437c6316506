package dev.migrationpanel.job;

import dev.migrationpanel.web.ConflictException;

/** A job was refused because another job holds one of its instances; the message says which and whose. */
public class InstanceBusyException extends ConflictException {

    private final long holderJobId;

    public InstanceBusyException(String message, long holderJobId) {
        super(message);
        this.holderJobId = holderJobId;
    }

    public long holderJobId() {
        return holderJobId;
    }
}

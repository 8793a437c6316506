package dev.migrationpanel.job;

/** A job was refused because another job holds one of its instances; the message says which and whose. */
public class InstanceBusyException extends RuntimeException {

    private final long holderJobId;

    public InstanceBusyException(String message, long holderJobId) {
        super(message);
        this.holderJobId = holderJobId;
    }

    public long holderJobId() {
        return holderJobId;
    }
}

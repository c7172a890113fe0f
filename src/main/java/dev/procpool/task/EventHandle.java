package dev.procpool.task;

import dev.procpool.shared.SharedEvent;

/** A task's {@code multiprocessing.Event} ({@code {"$event": name}}). */
public final class EventHandle {

    private final SharedEvent event;

    EventHandle(SharedEvent event) {
        this.event = event;
    }

    public boolean isSet() {
        return event.isSet();
    }

    public void set() {
        event.set();
    }

    public void clear() {
        event.clear();
    }

    /** Python's {@code wait(timeout)}: waits until set (negative: no limit); returns the flag. */
    public boolean await(double timeoutSeconds) {
        return event.await(Handles.nanos(timeoutSeconds));
    }
}

package org.overturn.deadlines;

/** Standard, or expedited (urgent, exigent): the shorter clocks a serious threat to health earns. */
public enum Urgency {
    STANDARD,
    EXPEDITED
}

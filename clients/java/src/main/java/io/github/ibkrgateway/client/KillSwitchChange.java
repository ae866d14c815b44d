package io.github.ibkrgateway.client;

import java.util.List;

/**
 * The result of setting the kill switch: the switch after the call, and the orders a cancel
 * was requested for when engaging.
 */
public record KillSwitchChange(KillSwitch killSwitch, List<Order> cancelledOrders) {}

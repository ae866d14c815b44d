package io.github.ibkrgateway.client;

/** The three orders of a bracket: the entry and its two exits, which cancel each other. */
public record Bracket(Order parent, Order takeProfit, Order stopLoss) {}

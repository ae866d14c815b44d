//! The client against an in-process gateway: retries, deadlines, errors, paging, and
//! streams that resume.

mod accounts;
mod fake;
mod streams;
mod submit_orders;
mod tls;
mod unary;

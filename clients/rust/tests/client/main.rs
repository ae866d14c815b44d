//! The client against an in-process gateway: retries, deadlines, errors, paging, and
//! streams that resume.

mod fake;
mod streams;
mod unary;

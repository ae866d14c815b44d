//! Submits a resting limit order and a market order, follows the market order's fill,
//! cancels the limit order, and handles the errors a strategy meets.
//!
//!     cargo run --example quickstart -- [host:port]   # in clients/rust; default 127.0.0.1:50051

use futures_util::StreamExt;
use ibkr_gateway_client::{Client, Decimal, Error, Order, OrderSpec, Side, StreamOptions};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let target = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("IBKR_GATEWAY_TARGET").ok())
        .unwrap_or_else(|| "127.0.0.1:50051".to_string());
    let gateway = Client::connect(&target).await?;

    // The simulated exchange trades every symbol at 100: a buy limit at 50 rests.
    let spec = OrderSpec::limit("AAPL", Side::Buy, Decimal::from(10), Decimal::from(50));
    let resting = gateway.submit_order(spec).await?;
    println!(
        "resting {} {}",
        resting.spec.client_order_id,
        status(&resting)
    );

    let bought = gateway
        .submit_order(OrderSpec::market("AAPL", Side::Buy, Decimal::from(5)))
        .await?;
    // Replays the order's fills from the start of the journal, then follows them live; a
    // dropped connection resumes after the last sequence seen.
    let mut fills = gateway.fills(StreamOptions {
        order_id: bought.order_id.clone(),
        ..StreamOptions::default()
    });
    let mut filled = Decimal::ZERO;
    while let Some(event) = fills.next().await {
        let event = event?;
        let fill = event.fill().expect("a fill stream carries fills");
        filled += fill.quantity;
        println!("filled {} @ {}", fill.quantity, fill.price);
        if filled == bought.spec.quantity {
            break;
        }
    }

    let cancelling = gateway.cancel_order(&resting).await?;
    println!("cancel {}", status(&cancelling));

    match gateway.cancel_order(&bought).await {
        Err(Error::FailedPrecondition(details)) => println!("already finished: {}", details.reason),
        Err(err) => return Err(err),
        Ok(order) => println!("cancel {}", status(&order)),
    }

    let empty = OrderSpec::market("AAPL", Side::Buy, Decimal::ZERO);
    match gateway.submit_order(empty).await {
        Err(Error::InvalidArgument(details)) => {
            for violation in &details.field_violations {
                println!("refused: {} - {}", violation.field, violation.description);
            }
        }
        Err(err) => return Err(err),
        Ok(order) => panic!("an order of 0 was accepted: {}", order.order_id),
    }
    Ok(())
}

/// The status as the other clients print it, e.g. "PENDING_SUBMIT".
fn status(order: &Order) -> &'static str {
    let name = order.status.as_str_name();
    name.strip_prefix("ORDER_STATUS_").unwrap_or(name)
}

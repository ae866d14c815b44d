use std::sync::Arc;
use std::time::Duration;

use ibkr_gateway_client::{Certificate, ClientTlsConfig, Error};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

use crate::fake::{Fake, Served, builder, serve_tls};

/// A private CA, and a certificate it signed for "gateway.test" with its key (PEM).
struct Pki {
    ca: String,
    cert: String,
    key: String,
}

fn make_pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.distinguished_name.push(DnType::CommonName, "test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["gateway.test".to_owned()]).unwrap();
    let cert = server
        .signed_by(&key, &Issuer::from_params(&ca, &ca_key))
        .unwrap();
    Pki {
        ca: ca_cert.pem(),
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

async fn serve(pki: &Pki) -> (Arc<Fake>, Served) {
    let fake = Arc::new(Fake::default());
    let served = serve_tls(fake.clone(), &pki.cert, &pki.key).await;
    (fake, served)
}

#[tokio::test]
async fn tls_with_a_private_ca_and_the_server_name() {
    let pki = make_pki();
    let (fake, server) = serve(&pki).await;
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca))
        .domain_name("gateway.test");
    let client = builder(server.addr).tls(tls).connect().await.unwrap();
    client.get_kill_switch().await.unwrap();
    assert_eq!(fake.count("GetKillSwitch"), 1);
}

/// A connection the client must refuse (or that fails) never carries a call.
async fn refused(build: ibkr_gateway_client::ClientBuilder) {
    let client = build
        .connect_timeout(Duration::from_millis(500))
        .connect_lazy()
        .unwrap();
    let err = client
        .get_kill_switch()
        .await
        .expect_err("no call may pass");
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_certificate_for_another_name_or_from_an_unknown_ca_is_refused() {
    let pki = make_pki();
    let (fake, server) = serve(&pki).await;
    let ca = Certificate::from_pem(&pki.ca);
    let wrong_name = ClientTlsConfig::new()
        .ca_certificate(ca)
        .domain_name("other.test");
    refused(builder(server.addr).tls(wrong_name)).await;
    let other_ca = Certificate::from_pem(make_pki().ca);
    let unknown_ca = ClientTlsConfig::new()
        .ca_certificate(other_ca)
        .domain_name("gateway.test");
    refused(builder(server.addr).tls(unknown_ca)).await;
    // Plaintext to a TLS gateway fails too.
    refused(builder(server.addr)).await;
    assert_eq!(fake.count("GetKillSwitch"), 0);
}

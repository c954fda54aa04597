use super::*;
use figment::providers::{Format, Toml};
use figment::Figment;

fn directory(text: &str) -> Result<DirectoryConfig, ConfigError> {
    let raw: RawDirectory = Figment::from(figment::providers::Serialized::defaults(
        RawDirectory::default(),
    ))
    .merge(Toml::string(text))
    .extract()
    .map_err(|e| bad("(file)", e.to_string()))?;
    raw.check()
}

fn ldap(text: &str) -> Result<LdapSettings, ConfigError> {
    let base = "kind = \"ldap\"\nbind_dn = \"cn=sspr,dc=x\"\nbind_password = \"s\"\nuser_base = \"ou=people,dc=x\"\n";
    match directory(&format!("{base}{text}"))? {
        DirectoryConfig::Ldap(settings) => Ok(*settings),
        DirectoryConfig::Local => panic!("expected ldap"),
    }
}

fn key_of(result: Result<LdapSettings, ConfigError>) -> String {
    result.expect_err("should be refused").key
}

#[test]
fn local_is_the_default_and_needs_nothing_else() {
    assert!(matches!(directory(""), Ok(DirectoryConfig::Local)));
}

#[test]
fn ldaps_with_the_flavour_presets() {
    let settings = ldap("url = \"ldaps://dir.example.org\"\n").expect("valid");
    assert_eq!(settings.transport, Transport::Ldaps);
    assert_eq!(settings.attributes, Flavour::Openldap.attributes());
    assert_eq!(settings.users.filter, Flavour::Openldap.user_filter());
    assert_eq!(
        settings.groups.base, "ou=people,dc=x",
        "group base falls back to the user base"
    );
    let ad =
        ldap("url = \"ldaps://dc.example.org\"\nflavour = \"active_directory\"\n").expect("valid");
    assert_eq!(ad.attributes.login, "sAMAccountName");
    assert!(ad.privileged_groups.iter().any(|g| g == "Domain Admins"));
}

#[test]
fn overrides_replace_presets() {
    let settings = ldap(
        "url = \"ldap://dir\"\nstarttls = true\nuser_filter = \"(objectClass=person)\"\n\
         [attributes]\nlogin = \"cn\"\nmobile = \"telephoneNumber\"\n",
    )
    .expect("valid");
    assert_eq!(settings.transport, Transport::StartTls);
    assert_eq!(settings.attributes.login, "cn");
    assert_eq!(settings.attributes.mobile, "telephoneNumber");
    assert_eq!(settings.attributes.email, "mail");
    assert_eq!(settings.users.filter, "(objectClass=person)");
}

#[test]
fn connections_that_would_send_passwords_in_the_clear_are_refused() {
    assert_eq!(key_of(ldap("url = \"ldap://dir\"\n")), "directory.url");
    assert_eq!(
        key_of(ldap("url = \"ldaps://dir\"\nstarttls = true\n")),
        "directory.starttls"
    );
    assert_eq!(key_of(ldap("url = \"http://dir\"\n")), "directory.url");
    assert_eq!(key_of(ldap("url = \"not a url\"\n")), "directory.url");
    let local = ldap("url = \"ldap://127.0.0.1:389\"\nallow_unencrypted = true\n").expect("valid");
    assert_eq!(local.transport, Transport::Unencrypted);
    assert_eq!(
        key_of(ldap(
            "url = \"ldap://dc\"\nallow_unencrypted = true\nflavour = \"active_directory\"\n"
        )),
        "directory.allow_unencrypted"
    );
}

#[test]
fn missing_and_malformed_values_name_their_key() {
    let bare = "kind = \"ldap\"\nurl = \"ldaps://dir\"\n";
    assert_eq!(directory(bare).unwrap_err().key, "directory.bind_dn");
    let no_password = format!("{bare}bind_dn = \"cn=x\"\n");
    assert_eq!(
        directory(&no_password).unwrap_err().key,
        "directory.bind_password"
    );
    let no_base = format!("{no_password}bind_password = \"s\"\n");
    assert_eq!(directory(&no_base).unwrap_err().key, "directory.user_base");
    let filter = "url = \"ldaps://dir\"\nuser_filter = \"(uid=*\"\n";
    assert_eq!(key_of(ldap(filter)), "directory.user_filter");
    let attribute = "url = \"ldaps://dir\"\n[attributes]\nlogin = \"uid)(x\"\n";
    assert_eq!(key_of(ldap(attribute)), "directory.attributes.login");
    let timeout = "url = \"ldaps://dir\"\nconnect_timeout_ms = 5\n";
    assert_eq!(key_of(ldap(timeout)), "directory.connect_timeout_ms");
    let ca = "url = \"ldaps://dir\"\nca_file = \"/nonexistent/ca.pem\"\n";
    assert_eq!(key_of(ldap(ca)), "directory.ca_file");
    assert!(directory("kind = \"ldap\"\nflavour = \"novell\"\n").is_err());
}

#[test]
fn the_service_password_is_not_in_debug_output() {
    let settings = ldap("url = \"ldaps://dir\"\n").expect("valid");
    let shown = format!("{settings:?}");
    assert!(!shown.contains("bind_password: \"s\""), "{shown}");
    assert!(shown.contains("bind_dn"));
}

#[test]
fn the_sample_configurations_are_valid() {
    for (file, flavour) in [
        ("openldap.toml", Flavour::Openldap),
        ("active-directory.toml", Flavour::ActiveDirectory),
    ] {
        let path = format!("{}/../config-examples/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("sample");
        // The CA file names a path on the operator's machine; the rest is checked as written.
        let text: String = text
            .lines()
            .filter(|line| !line.starts_with("ca_file"))
            .collect::<Vec<_>>()
            .join("\n");
        let raw: RawDirectory = Figment::from(Toml::string(&text))
            .extract_inner("directory")
            .expect(file);
        match raw.check().expect(file) {
            DirectoryConfig::Ldap(settings) => assert_eq!(settings.flavour, flavour, "{file}"),
            DirectoryConfig::Local => panic!("{file} names kind = \"ldap\""),
        }
    }
}

#[test]
fn the_service_password_never_shows_in_debug_output() {
    let raw = RawDirectory {
        bind_password: "service-account-secret".into(),
        ..RawDirectory::default()
    };
    let shown = format!("{raw:?}");
    assert!(!shown.contains("service-account-secret"), "{shown}");
    assert!(shown.contains("bind_password_set: true"), "{shown}");
}

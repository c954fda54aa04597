//! Values typed by people go into LDAP filters and DNs only through here: filter values are
//! escaped per RFC 4515 and DN values per RFC 4514 (by ldap3's escaping functions), so a
//! name with `*`, `(`, `)`, `\`, NUL or `,` can neither widen a search nor name another
//! entry.

use ldap3::{dn_escape, ldap_escape};

/// `(&<base filter>(<attribute>=<value>))` with the value escaped.
pub fn equals_within(base_filter: &str, attribute: &str, value: &str) -> String {
    format!("(&{base_filter}({attribute}={}))", ldap_escape(value))
}

/// `<attribute>=<value>,<parent>` with the value escaped as one RDN value.
pub fn child_dn(attribute: &str, value: &str, parent: &str) -> String {
    format!("{attribute}={},{parent}", dn_escape(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEOPLE: &str = "(objectClass=inetOrgPerson)";

    #[test]
    fn a_plain_name_is_left_as_it_is() {
        assert_eq!(
            equals_within(PEOPLE, "uid", "alice"),
            "(&(objectClass=inetOrgPerson)(uid=alice))"
        );
    }

    #[test]
    fn filter_metacharacters_become_escapes() {
        assert_eq!(
            equals_within(PEOPLE, "uid", "*"),
            "(&(objectClass=inetOrgPerson)(uid=\\2a))"
        );
        assert_eq!(
            equals_within(PEOPLE, "uid", "a)(uid=*"),
            "(&(objectClass=inetOrgPerson)(uid=a\\29\\28uid=\\2a))"
        );
        assert_eq!(
            equals_within(PEOPLE, "uid", "back\\slash"),
            "(&(objectClass=inetOrgPerson)(uid=back\\5cslash))"
        );
        assert_eq!(
            equals_within(PEOPLE, "uid", "nul\0byte"),
            "(&(objectClass=inetOrgPerson)(uid=nul\\00byte))"
        );
    }

    #[test]
    fn every_escaped_filter_still_parses_as_one_equality() {
        for name in [
            "*",
            "a)(|(uid=*",
            "x\\",
            "\0",
            "Ελένη",
            "o'brien,admin",
            "(*)",
        ] {
            let filter = equals_within(PEOPLE, "uid", name);
            assert!(ldap3::parse_filter(&filter).is_ok(), "{filter}");
            // Exactly the two parentheses pairs of the template remain unescaped.
            assert_eq!(filter.matches('(').count(), 3, "{filter}");
            assert!(!filter.contains("=*"), "{filter}");
        }
    }

    #[test]
    fn non_ascii_names_pass_through_as_utf8() {
        assert_eq!(
            equals_within(PEOPLE, "uid", "ελένη"),
            "(&(objectClass=inetOrgPerson)(uid=ελένη))"
        );
    }

    #[test]
    fn dn_values_cannot_add_components() {
        assert_eq!(
            child_dn("cn", "Smith, John", "ou=people,dc=example,dc=org"),
            "cn=Smith\\2c John,ou=people,dc=example,dc=org"
        );
        assert_eq!(
            child_dn("cn", "a=b+c\\d", "dc=x"),
            "cn=a\\3db\\2bc\\5cd,dc=x"
        );
        assert_eq!(child_dn("cn", " lead", "dc=x"), "cn=\\20lead,dc=x");
        assert_eq!(child_dn("cn", "nul\0", "dc=x"), "cn=nul\\00,dc=x");
        assert_eq!(child_dn("cn", "Νίκος", "dc=x"), "cn=Νίκος,dc=x");
    }
}

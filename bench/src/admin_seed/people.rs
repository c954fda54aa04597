//! The organisation: realistic names and addresses, ~50 groups (a department at a site),
//! a few disabled or locked accounts, most with an email address registered.

use super::noise::noise;

/// Person number of the busy user, whom one audit row in 1,000 concerns.
pub const BUSY_PERSON: usize = 7;

#[rustfmt::skip]
const FIRST: [&str; 60] = [
    "Maria", "Mark", "Martin", "Marco", "Anna", "John", "James", "Mary", "Robert", "Patricia",
    "Michael", "Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan",
    "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew",
    "Lisa", "Anthony", "Betty", "Andrew", "Sandra", "Joshua", "Ashley", "Kevin", "Emily",
    "Brian", "Donna", "George", "Michelle", "Eleni", "Nikos", "Giorgos", "Dimitra", "Kostas",
    "Sofia", "Yannis", "Katerina", "Petros", "Ioanna", "Hans", "Ingrid", "Lars", "Astrid",
    "Pierre", "Camille", "Luca", "Giulia", "Carlos", "Lucia",
];

#[rustfmt::skip]
const LAST: [&str; 80] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Papadopoulos", "Georgiou",
    "Nikolaou", "Ioannou", "Konstantinou", "Dimitriou", "Pappas", "Vlachos", "Angelopoulos",
    "Oikonomou", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Hoffmann", "Dubois", "Moreau", "Laurent", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Silva", "Santos", "Costa", "Pereira",
];

/// A surname only one person in 25,000 has: the "rare name" search.
pub const RARE_SURNAME: &str = "Thornbury";
const RARE_EVERY: usize = 25_000;
const RARE_AT: usize = 4_321;
/// One person in ten is a partner with an address at this domain: the email search.
pub const PARTNER_DOMAIN: &str = "partners.example.net";

const DEPARTMENTS: [&str; 10] = [
    "Sales",
    "Engineering",
    "Finance",
    "Support",
    "Marketing",
    "Legal",
    "Operations",
    "Research",
    "Human Resources",
    "Logistics",
];
const SITES: [&str; 5] = ["Athens", "Thessaloniki", "London", "Berlin", "Lisbon"];
pub const GROUPS: usize = DEPARTMENTS.len() * SITES.len();

/// Person `i` (0-based; the admin is not a person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub username: String,
    pub display_name: String,
    pub email: String,
}

/// First name, surname and a number for the namesakes after the first: each `i` gives
/// another combination, so usernames never collide.
pub fn person(i: usize) -> Person {
    let first = FIRST[i % FIRST.len()];
    let last = if i % RARE_EVERY == RARE_AT {
        RARE_SURNAME
    } else {
        LAST[(i / FIRST.len()) % LAST.len()]
    };
    let namesake = i / (FIRST.len() * LAST.len());
    let number = if namesake == 0 {
        String::new()
    } else {
        (namesake + 1).to_string()
    };
    let username = format!("{}.{}{number}", first.to_lowercase(), last.to_lowercase());
    let domain = if i % 10 == 3 {
        PARTNER_DOMAIN
    } else {
        "example.org"
    };
    Person {
        email: format!("{username}@{domain}"),
        display_name: format!("{first} {last}"),
        username,
    }
}

/// The user the audit log's per-user filter looks for: it has one row in 1,000.
pub fn busy_person() -> Person {
    person(BUSY_PERSON)
}

pub fn group_name(g: usize) -> String {
    format!(
        "{} {}",
        DEPARTMENTS[g % DEPARTMENTS.len()],
        SITES[(g / DEPARTMENTS.len()) % SITES.len()]
    )
}

/// A group most people are in, for the group filter.
pub fn probe_group() -> String {
    group_name(0)
}

/// An account's status column: one in 97 disabled, one in 331 locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Enabled,
    Disabled,
    Locked,
}

impl Status {
    pub fn of(i: usize) -> Self {
        if i % 97 == 13 {
            Self::Disabled
        } else if i % 331 == 17 {
            Self::Locked
        } else {
            Self::Enabled
        }
    }

    /// As the `users.status` column holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
        }
    }
}

/// Three people in four have registered (and confirmed) an email address.
pub fn registered(i: usize) -> bool {
    !noise(i, 9).is_multiple_of(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::Username;
    use std::collections::HashSet;

    #[test]
    fn a_hundred_thousand_people_have_distinct_realistic_names() {
        let mut seen = HashSet::new();
        for i in 0..100_000 {
            let p = person(i);
            assert!(Username::parse(&p.username).is_ok(), "{}", p.username);
            assert!(seen.insert(p.username.clone()), "{} twice", p.username);
        }
        assert_eq!(person(0).username, "maria.smith");
        assert_eq!(person(0).display_name, "Maria Smith");
        assert_eq!(person(3).email, "marco.smith@partners.example.net");
        let rare = (0..100_000)
            .filter(|i| person(*i).display_name.ends_with(RARE_SURNAME))
            .count();
        assert_eq!(rare, 4);
    }
}

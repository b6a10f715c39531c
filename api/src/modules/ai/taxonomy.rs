//! The labels triage may answer with: categories, their subcategories, and the four priorities.
//!
//! A model never invents a label: every prediction is one of a [`Taxonomy`]'s leaves. In the
//! product the taxonomy is the active ticket categories (admins edit them); their descriptions
//! are what the zero-shot model reads. [`Taxonomy::demo`] is the SabaqHub taxonomy of the
//! evaluation data, described with the phrases of its labelling guide.

use serde::{Deserialize, Serialize};

/// The priorities, least urgent first, as stored on tickets.
pub const PRIORITIES: [&str; 4] = ["low", "medium", "high", "critical"];

/// What each priority means, for the zero-shot model.
pub const PRIORITY_DESCRIPTIONS: [&str; 4] = [
    "a request; a how-to question; a planned move; a minor annoyance; when you get a chance",
    "degraded service; slow; a workaround exists; intermittent; another printer works; it works in the browser",
    "one person fully blocked from their work; cannot log in; an instructor cannot start a class; stolen device; compromised password",
    "many people or the whole office down; everyone on the floor; a business-critical system down: LMS, live classes, exams, payroll",
];

/// One label: a top-level category, or a subcategory under `parent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The name as stored (matched case-insensitively).
    pub name: String,
    /// Free text the zero-shot model compares tickets with.
    pub description: String,
}

/// A category and its subcategories (possibly none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryNode {
    pub label: Label,
    pub subcategories: Vec<Label>,
}

/// The labels a model may answer with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Taxonomy {
    pub categories: Vec<CategoryNode>,
}

/// A leaf of the taxonomy: a subcategory, or a category without subcategories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    /// Index into `Taxonomy::categories`.
    pub category: usize,
    /// Index into that category's subcategories; `None` for a category without any.
    pub subcategory: Option<usize>,
}

impl Taxonomy {
    /// Every leaf, categories in order, subcategories in order.
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut out = Vec::new();
        for (c, node) in self.categories.iter().enumerate() {
            if node.subcategories.is_empty() {
                out.push(Leaf { category: c, subcategory: None });
            }
            out.extend((0..node.subcategories.len()).map(|s| Leaf { category: c, subcategory: Some(s) }));
        }
        out
    }

    /// The category name of `leaf`.
    pub fn category_name(&self, leaf: Leaf) -> &str {
        &self.categories[leaf.category].label.name
    }

    /// The subcategory name of `leaf`, if it is one.
    pub fn subcategory_name(&self, leaf: Leaf) -> Option<&str> {
        leaf.subcategory.map(|s| self.categories[leaf.category].subcategories[s].name.as_str())
    }

    /// The description text of `leaf`: the subcategory's and its category's.
    pub fn leaf_description(&self, leaf: Leaf) -> String {
        let node = &self.categories[leaf.category];
        match leaf.subcategory {
            Some(s) => format!("{}; {}", node.subcategories[s].description, node.label.description),
            None => node.label.description.clone(),
        }
    }

    /// The index of category `name` (case-insensitive).
    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.label.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The leaf named by a category and an optional subcategory, if both exist and belong together.
    pub fn find_leaf(&self, category: &str, subcategory: Option<&str>) -> Option<Leaf> {
        let c = self.category_index(category)?;
        let subs = &self.categories[c].subcategories;
        match subcategory.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => subs
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(name))
                .map(|s| Leaf { category: c, subcategory: Some(s) }),
            None if subs.is_empty() => Some(Leaf { category: c, subcategory: None }),
            None => None,
        }
    }

    /// Whether `name` is one of the priorities.
    pub fn is_priority(name: &str) -> bool {
        PRIORITIES.contains(&name)
    }

    /// The SabaqHub demo taxonomy of the evaluation data.
    pub fn demo() -> Self {
        let categories = DEMO
            .iter()
            .map(|(name, description, subs)| CategoryNode {
                label: Label { name: (*name).into(), description: (*description).into() },
                subcategories: subs
                    .iter()
                    .map(|(name, description)| Label { name: (*name).into(), description: (*description).into() })
                    .collect(),
            })
            .collect();
        Self { categories }
    }
}

type DemoCategory = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

/// Written from the data's labelling guide (`shared/data/LABELING.md`), one phrase per rule.
const DEMO: &[DemoCategory] = &[
    (
        "hardware",
        "physical devices and their faults",
        &[
            (
                "laptop",
                "laptop battery, power, heat, fan, broken screen, keyboard or hinge; spilled drink; stolen laptop; laptop slow for no reason; built-in camera or microphone broken in every app",
            ),
            ("desktop", "office desktop PC will not start or is slow; monitor attached to an office desktop"),
            (
                "printer",
                "floor printer offline, paper jam, toner, paper size, printer driver, adding a printer, scan to email",
            ),
            (
                "peripherals",
                "headset, USB microphone, webcam, docking station, external monitor, mouse, keyboard, adapter, projector; sound device not detected",
            ),
            ("mobile-device", "phone or tablet enrolment, work profile, lost or broken phone, company SIM"),
        ],
    ),
    (
        "software",
        "applications and the operating system",
        &[
            (
                "operating-system",
                "Windows or macOS updates, blue screen, BitLocker or FileVault recovery prompt, disk full, display scaling, clock and time zone, keyboard typing the wrong language",
            ),
            (
                "office-apps",
                "Microsoft Word, Excel, PowerPoint, Google Docs, Sheets, Slides, Google Drive for desktop sync, file locked, large spreadsheet slow",
            ),
            (
                "business-apps",
                "LMS, Studio Uploader, PeopleDesk HR portal, ERP, Freshdesk, Zoom or Google Meet audio, video or screen share problems; LMS or PeopleDesk down; LMS upload error",
            ),
            (
                "install-license",
                "install software, Software Center, Self Service, Microsoft 365 activation, unlicensed product, reduced functionality mode, Adobe licence, Zoom licence, software removed by antivirus",
            ),
            (
                "email-client",
                "Gmail or Outlook client, calendar, spam filter, mailbox storage full, emails not arriving or bouncing, Outlook keeps asking for password, phishing email reported, mail sync on phone",
            ),
        ],
    ),
    (
        "network",
        "the company's own network",
        &[
            (
                "wifi",
                "cannot join Wi-Fi, Wi-Fi keeps asking for password, Wi-Fi drops, weak signal, Staff-5G network missing, Guest Wi-Fi voucher, internet not working in the office",
            ),
            (
                "vpn",
                "VPN, FortiClient will not connect, VPN connected but internal site not opening, VPN access request",
            ),
            ("lan", "wired network port, Ethernet cable, dock Ethernet, USB Ethernet adapter, new network port"),
            (
                "dns-dhcp",
                "connected but no internet, 169.254 address, IP address conflict, server IP address could not be found, DNS record",
            ),
            ("firewall", "SSH, SFTP, database port, RTMP streaming, AnyDesk or exam app blocked, IP whitelisting"),
        ],
    ),
    (
        "internet",
        "reaching the public internet and websites",
        &[
            (
                "slow-connection",
                "slow internet, speed test, buffering, laggy calls, slow upload, home internet slow or dropping, router at home",
            ),
            (
                "site-blocked",
                "website blocked by the web filter, Web Page Blocked page, social media or file transfer site blocked",
            ),
            (
                "outage",
                "whole office or floor has no internet, provider link down, load shedding or generator changeover, Google Workspace or Zoom outage",
            ),
            (
                "browser",
                "Chrome browser cache, cookies, redirect loop, certificate warning, pop-ups, downloads, Chrome profile or sync, extensions, hijacked browser",
            ),
        ],
    ),
    (
        "access",
        "accounts, passwords and permissions",
        &[
            (
                "password-reset",
                "forgot password, password expired, reset my password, change password, entered password on a phishing page",
            ),
            ("account-locked", "account locked, disabled or suspended, too many attempts"),
            (
                "permissions",
                "access to a shared drive, Drive folder, shared mailbox, LMS course role, ERP module, admin rights, remove access",
            ),
            (
                "onboarding",
                "new hire account, first day activation, leaver, termination, intern or contractor account extension",
            ),
            ("mfa", "2-Step Verification setup, verification codes, authenticator, new phone for 2FA, backup codes"),
            (
                "sso",
                "Sign in with Google fails, SAML error, app_not_configured_for_user, sign-in loop, wrong Google or Zoom account",
            ),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_taxonomy_has_the_documented_leaves() {
        let t = Taxonomy::demo();
        assert_eq!(t.categories.len(), 5);
        assert_eq!(t.leaves().len(), 25);
        let leaf = t.find_leaf("Network", Some("VPN")).unwrap();
        assert_eq!((t.category_name(leaf), t.subcategory_name(leaf)), ("network", Some("vpn")));
    }

    #[test]
    fn unknown_or_mismatched_labels_are_not_found() {
        let t = Taxonomy::demo();
        assert!(t.find_leaf("network", Some("printer")).is_none());
        assert!(t.find_leaf("gardening", None).is_none());
        assert!(t.find_leaf("network", None).is_none(), "network has subcategories");
        let flat = Taxonomy {
            categories: vec![CategoryNode {
                label: Label { name: "Other".into(), description: String::new() },
                subcategories: vec![],
            }],
        };
        assert_eq!(flat.find_leaf("other", None), Some(Leaf { category: 0, subcategory: None }));
        assert_eq!(flat.leaves().len(), 1);
    }
}

//! The widget's look and words: the `widget` section of an offer's settings.
//!
//! Every string the widget shows has a key, an English and a French default;
//! an offer picks a language and may override any string by key. Colours and
//! the font end up as CSS custom properties inside the widget's shadow root,
//! so they are checked against a strict grammar: a value can never close the
//! declaration it is written into.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::offer::{Network, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Fr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    #[default]
    IconsAndText,
    Text,
    Icons,
    /// Operator-supplied images, one per network (`button_images`).
    Images,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ShareCount {
    Above,
    Below,
    #[default]
    Hidden,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    #[serde(default)]
    pub primary: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub background: Option<String>,
    #[serde(default)]
    pub button_text: Option<String>,
    #[serde(default)]
    pub border: Option<String>,
}

/// The `widget` setting of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct WidgetSettings {
    #[serde(default)]
    pub language: Language,
    /// Overrides of the language's strings, by key (see `STRINGS`).
    #[serde(default)]
    pub strings: BTreeMap<String, String>,
    #[serde(default)]
    pub colours: Colours,
    #[serde(default)]
    pub font_family: Option<String>,
    #[serde(default)]
    pub button_style: ButtonStyle,
    /// Images of the share buttons, for the `images` style: an https URL, or
    /// an image uploaded in the editor, kept as a `data:` URL (PNG, JPEG,
    /// GIF or WebP, at most [`MAX_BUTTON_IMAGE`] bytes).
    #[serde(default)]
    pub button_images: BTreeMap<Network, String>,
    #[serde(default)]
    pub share_count: ShareCount,
}

/// Every string the widget shows: key, English, French. `{name}` is filled in
/// by the widget.
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("not_live", "This offer is not available right now.", "Cette offre n'est pas disponible pour le moment."),
    ("thanks", "Thanks for signing up!", "Merci de votre inscription !"),
    ("come_back", "Come back here any time to share your link and see your progress.", "Revenez ici quand vous voulez pour partager votre lien et suivre votre progression."),
    ("share_my_link", "Share my link", "Partager mon lien"),
    ("goal_visits", "Earn a credit for each friend who visits through your link. Collect {count} to get your reward.", "Gagnez un crédit pour chaque ami qui visite la page grâce à votre lien. Cumulez-en {count} pour obtenir votre récompense."),
    ("goal_signups", "Earn a credit for each friend who signs up through your link. Collect {count} to get your reward.", "Gagnez un crédit pour chaque ami qui s'inscrit grâce à votre lien. Cumulez-en {count} pour obtenir votre récompense."),
    ("goal_other", "Earn a credit for each friend who takes part through your link. Collect {count} to get your reward.", "Gagnez un crédit pour chaque ami qui participe grâce à votre lien. Cumulez-en {count} pour obtenir votre récompense."),
    ("rules", "Offer rules", "Règlement de l'offre"),
    ("privacy", "Privacy policy", "Politique de confidentialité"),
    ("track", "Track your progress", "Suivre ma progression"),
    ("track_prompt", "Enter the email you signed up with for {offer_name}: we will email you a link to your page.", "Saisissez l'adresse e-mail de votre inscription à {offer_name} : nous vous enverrons un lien vers votre page."),
    ("show_progress", "Email me my link", "M'envoyer mon lien"),
    ("friends", "Your friends", "Vos amis"),
    ("no_friends", "No friend has joined through your link yet.", "Aucun ami n'a encore rejoint l'offre grâce à votre lien."),
    ("a_friend", "A friend", "Un ami"),
    ("friend_counted", "counted", "compté"),
    ("friend_not_counted", "not counted", "non compté"),
    ("promo_code", "Your promo code", "Votre code promo"),
    ("link_sent", "If this email signed up for {offer_name}, a link to your page is on its way. It works once, within 24 hours.", "Si cette adresse est inscrite à {offer_name}, un lien vers votre page est en route. Il fonctionne une fois, pendant 24 heures."),
    ("checking", "Checking…", "Vérification…"),
    ("back", "Back", "Retour"),
    ("email", "Email", "E-mail"),
    ("first_name", "First name", "Prénom"),
    ("last_name", "Last name", "Nom"),
    ("required", "{label} is required.", "{label} est obligatoire."),
    ("invalid_email", "Please enter a valid email address.", "Veuillez saisir une adresse e-mail valide."),
    ("consent", "Send me news and offers", "Envoyez-moi des nouvelles et des offres"),
    ("sign_up", "Sign up", "S'inscrire"),
    ("signing_up", "Signing up…", "Inscription…"),
    ("continue_with", "Continue with {provider}", "Continuer avec {provider}"),
    ("or_email", "or sign up with your email", "ou inscrivez-vous avec votre e-mail"),
    ("social_signed_in", "Signed in with {provider}. Check your details, then sign up.", "Connecté avec {provider}. Vérifiez vos informations, puis inscrivez-vous."),
    ("popup_blocked", "Allow pop-ups for this page to continue with {provider}.", "Autorisez les fenêtres pop-up sur cette page pour continuer avec {provider}."),
    ("share_first", "Share the offer first to sign up.", "Partagez d'abord l'offre pour vous inscrire."),
    ("step_share", "1. Share the offer", "1. Partagez l'offre"),
    ("step_sign_up", "2. Sign up to get your personal link", "2. Inscrivez-vous pour obtenir votre lien personnel"),
    ("already", "Already signed up?", "Déjà inscrit ?"),
    ("referred_question", "Were you referred by someone?", "Quelqu'un vous a-t-il parrainé ?"),
    ("referrer_name", "Their name", "Son nom"),
    ("referrer_hint", "Type at least 2 letters of their first or last name, then pick them.", "Saisissez au moins 2 lettres de son prénom ou de son nom, puis choisissez-le."),
    ("referrer_searching", "Searching…", "Recherche…"),
    ("referrer_pick", "Pick the person who referred you:", "Choisissez la personne qui vous a parrainé :"),
    ("referrer_none", "No one of that name has joined this offer.", "Personne de ce nom n'a rejoint cette offre."),
    ("referrer_chosen", "Referred by {name}: they get the credit when you sign up.", "Parrainé par {name} : cette personne sera créditée à votre inscription."),
    ("referrer_busy", "Too many searches for now: wait a few seconds, then try again.", "Trop de recherches pour le moment : attendez quelques secondes, puis réessayez."),
    ("welcome", "You're in! Share your personal link with friends.", "C'est fait ! Partagez votre lien personnel avec vos amis."),
    ("share_more", "Welcome back! Share with more friends to reach your goal.", "Bon retour ! Partagez avec plus d'amis pour atteindre votre objectif."),
    ("credits", "{credit} of {goal} credits", "{credit} crédits sur {goal}"),
    ("credits_label", "Credits earned", "Crédits gagnés"),
    ("goal_met", "Goal met — check your email for your reward", "Objectif atteint — consultez vos e-mails pour votre récompense"),
    ("reward_sent", "Reward sent — your promo code is in your email", "Récompense envoyée — votre code promo est dans vos e-mails"),
    ("share_count", "Shares: {count}", "Partages : {count}"),
    ("rewards", "Rewards", "Récompenses"),
    ("reward_next", "{count} more for: {label}", "Encore {count} pour : {label}"),
    ("reward_all_reached", "You reached every reward. Thank you!", "Vous avez atteint toutes les récompenses. Merci !"),
    ("reward_at", "at {count}", "à {count}"),
    ("reward_every", "every {count}", "tous les {count}"),
    ("reward_to_come", "to come", "à venir"),
    ("reward_given", "given", "obtenue"),
    ("reward_held", "on hold until {date}", "en attente jusqu'au {date}"),
    ("reward_earned", "earned — on its way", "gagnée — en préparation"),
    ("reward_cancelled", "cancelled", "annulée"),
    ("your_rewards", "Your rewards", "Vos récompenses"),
    ("friend_reward", "Your reward for joining", "Votre récompense de bienvenue"),
    ("leaderboard", "Top referrers", "Meilleurs parrains"),
    ("leaderboard_empty", "No one has earned a credit yet.", "Personne n'a encore gagné de crédit."),
    ("skip", "Skip", "Passer"),
    ("done", "Done", "Terminé"),
    ("not_you", "Not you? Use another email", "Pas vous ? Utilisez une autre adresse"),
    ("your_link", "Your personal link", "Votre lien personnel"),
    ("offer_link", "Link to this offer", "Lien vers cette offre"),
    ("copy", "Copy link", "Copier le lien"),
    ("copied", "Copied!", "Copié !"),
    ("copied_status", "Link copied to the clipboard.", "Lien copié dans le presse-papiers."),
    ("share", "Share", "Partager"),
    ("share_email", "Share by email", "Partager par e-mail"),
    ("share_x", "Share on X", "Partager sur X"),
    ("share_linkedin", "Share on LinkedIn", "Partager sur LinkedIn"),
    ("share_facebook", "Share on Facebook", "Partager sur Facebook"),
    ("shared", "Shared ✓", "Partagé ✓"),
    ("share_message", "Join me on {offer_name}", "Rejoignez-moi sur {offer_name}"),
    ("email_subject", "{offer_name}", "{offer_name}"),
    ("invite_title", "Invite friends by email", "Invitez des amis par e-mail"),
    ("invite_label", "Your friends' email addresses (up to {max}, separated by commas)", "Les adresses e-mail de vos amis (jusqu'à {max}, séparées par des virgules)"),
    ("invite_send", "Send invitations", "Envoyer les invitations"),
    ("invite_sending", "Sending…", "Envoi…"),
    ("invite_empty", "Enter at least one email address.", "Saisissez au moins une adresse e-mail."),
    ("invite_too_many", "Enter at most {max} addresses.", "Saisissez au plus {max} adresses."),
    ("invite_bad", "{email} is not a valid email address.", "{email} n'est pas une adresse e-mail valide."),
    ("invite_sent", "Invitation sent to {email}.", "Invitation envoyée à {email}."),
    ("invite_already_invited", "{email} has already been invited.", "{email} a déjà été invité."),
    ("invite_unsubscribed", "{email} does not wish to receive invitations.", "{email} ne souhaite pas recevoir d'invitations."),
    ("invite_limit_reached", "You have reached the invitation limit for now.", "Vous avez atteint la limite d'invitations pour le moment."),
    ("invite_own_address", "That is your own address: invite a friend.", "C'est votre propre adresse : invitez un ami."),
    ("invite_invalid_email", "{email} is not a valid email address.", "{email} n'est pas une adresse e-mail valide."),
    ("error_status", "Something went wrong (error {status}). Please try again.", "Une erreur est survenue (erreur {status}). Veuillez réessayer."),
    ("error_network", "We couldn't reach the server. Check your connection and try again.", "Impossible de joindre le serveur. Vérifiez votre connexion et réessayez."),
];

/// The placeholders a share message may use, filled in by the widget.
pub const SHARE_PLACEHOLDERS: [&str; 5] = [
    "html_title",
    "html_description",
    "share_url",
    "offer_name",
    "first_name",
];

impl WidgetSettings {
    /// Every string in the offer's language, with the operator's overrides.
    pub fn strings(&self) -> BTreeMap<&'static str, String> {
        STRINGS
            .iter()
            .map(|&(key, en, fr)| {
                let default = match self.language {
                    Language::En => en,
                    Language::Fr => fr,
                };
                let value = self.strings.get(key).map_or(default, String::as_str);
                (key, value.to_owned())
            })
            .collect()
    }

    pub(crate) fn problems(&self, out: &mut Vec<Problem>) {
        for (key, value) in &self.strings {
            let field = format!("widget.strings.{key}");
            if !STRINGS.iter().any(|(k, _, _)| k == key) {
                out.push(Problem::invalid(
                    &field,
                    "unknown_string",
                    format!("{field} is not a string of the widget"),
                ));
            } else if value.trim().is_empty() {
                out.push(Problem::invalid(
                    &field,
                    "required",
                    format!("{field} is empty; remove it to use the default"),
                ));
            } else if value.chars().count() > 500 {
                out.push(Problem::invalid(
                    &field,
                    "too_long",
                    format!("{field} is longer than 500 characters"),
                ));
            }
        }
        let c = &self.colours;
        for (name, value) in [
            ("primary", &c.primary),
            ("text", &c.text),
            ("background", &c.background),
            ("button_text", &c.button_text),
            ("border", &c.border),
        ] {
            if let Some(value) = value {
                if !valid_colour(value) {
                    let field = format!("widget.colours.{name}");
                    out.push(Problem::invalid(
                        &field,
                        "invalid_colour",
                        format!("{field} must be a CSS colour: #rgb, #rrggbb, rgb(…), hsl(…)"),
                    ));
                }
            }
        }
        if let Some(font) = &self.font_family {
            if !valid_font_family(font) {
                out.push(Problem::invalid(
                    "widget.font_family",
                    "invalid",
                    "widget.font_family is a list of font names: letters, digits, spaces, quotes, hyphens and commas, up to 200 characters",
                ));
            }
        }
        for (network, url) in &self.button_images {
            let field = format!("widget.button_images.{}", network.as_str());
            match image_data_len(url) {
                Some(len) if len > MAX_BUTTON_IMAGE => out.push(Problem::invalid(
                    &field,
                    "too_large",
                    format!(
                        "{field} is an image of {} KiB; at most {} KiB",
                        len.div_ceil(1024),
                        MAX_BUTTON_IMAGE / 1024
                    ),
                )),
                Some(_) => {}
                None if !valid_https_url(url) => out.push(Problem::invalid(
                    &field,
                    "invalid_url",
                    format!(
                        "{field} must be an absolute https URL or an uploaded PNG, JPEG, GIF or \
                         WebP image"
                    ),
                )),
                None => {}
            }
        }
    }
}

/// `{name}` placeholders of a share message that the widget does not fill in.
pub fn unknown_placeholders(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        let looks_like_one =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if looks_like_one && !SHARE_PLACEHOLDERS.contains(&name) {
            out.push(name.to_owned());
        }
        if looks_like_one {
            rest = &rest[end + 1..];
        }
    }
    out
}

/// A CSS colour that cannot escape its declaration: hex, or rgb/rgba/hsl/hsla
/// with numbers, or a colour keyword made of letters.
pub fn valid_colour(value: &str) -> bool {
    let v = value.trim();
    if let Some(hex) = v.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(open) = v.find('(') {
        let name = v[..open].to_ascii_lowercase();
        let Some(args) = v[open + 1..].strip_suffix(')') else {
            return false;
        };
        return matches!(name.as_str(), "rgb" | "rgba" | "hsl" | "hsla")
            && !args.trim().is_empty()
            && args.bytes().all(|b| {
                b.is_ascii_digit()
                    || matches!(b, b' ' | b',' | b'.' | b'%' | b'/' | b'-')
                    || b"deg".contains(&b)
            });
    }
    (3..=20).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphabetic())
}

fn valid_font_family(value: &str) -> bool {
    let v = value.trim();
    (1..=200).contains(&v.chars().count())
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '-' | '\'' | '"'))
}

/// The largest uploaded button image, in bytes.
pub const MAX_BUTTON_IMAGE: usize = 32 * 1024;

/// The size of the image a `data:image/…;base64,` URL holds, if it is one
/// of the kinds a share button may show (no SVG: it can carry script).
fn image_data_len(raw: &str) -> Option<usize> {
    let rest = raw.strip_prefix("data:image/")?;
    let (kind, data) = rest.split_once(";base64,")?;
    if !matches!(kind, "png" | "jpeg" | "gif" | "webp") {
        return None;
    }
    let body = data.trim_end_matches('=');
    let valid = data.len() % 4 == 0
        && data.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    valid.then(|| body.len() * 3 / 4)
}

fn valid_https_url(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn problems(widget: serde_json::Value) -> Vec<Problem> {
        let settings: WidgetSettings = serde_json::from_value(widget).unwrap();
        let mut out = Vec::new();
        settings.problems(&mut out);
        out
    }

    #[test]
    fn every_string_has_an_english_and_a_french_default() {
        for (key, en, fr) in STRINGS {
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{key}");
            fn names(s: &str) -> Vec<&str> {
                let mut v: Vec<_> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split('}').next())
                    .collect();
                v.sort_unstable();
                v
            }
            assert_eq!(
                names(en),
                names(fr),
                "{key} uses the same placeholders in both languages"
            );
        }
        let mut keys: Vec<_> = STRINGS.iter().map(|s| s.0).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), STRINGS.len(), "no key is listed twice");
    }

    #[test]
    fn the_language_picks_the_defaults_and_overrides_win() {
        let fr: WidgetSettings = serde_json::from_value(json!({
            "language": "fr", "strings": {"sign_up": "Je m'inscris"}
        }))
        .unwrap();
        let strings = fr.strings();
        assert_eq!(strings["sign_up"], "Je m'inscris");
        assert_eq!(strings["copy"], "Copier le lien");
        assert_eq!(WidgetSettings::default().strings()["copy"], "Copy link");
        assert_eq!(strings.len(), STRINGS.len());
    }

    #[test]
    fn an_unknown_language_is_refused() {
        assert!(serde_json::from_value::<WidgetSettings>(json!({"language": "de"})).is_err());
    }

    #[test]
    fn unknown_string_keys_are_named() {
        let p = problems(json!({"strings": {"xyz": "hello", "copy": "Copy"}}));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "widget.strings.xyz");
        assert_eq!(p[0].code, "unknown_string");
        assert!(p[0].message.contains("widget.strings.xyz"));
    }

    #[test]
    fn colours_fonts_and_images_are_checked() {
        let p = problems(json!({
            "colours": {"primary": "#0a7", "text": "rgb(10, 20, 30)", "background": "white",
                        "border": "#12345", "button_text": "red;}body{x:y"},
            "font_family": "Georgia, 'Times New Roman', serif",
            "button_images": {"x": "http://img.example.com/x.png", "email": "https://img.example.com/e.png"}
        }));
        let fields: Vec<_> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "widget.colours.button_text",
                "widget.colours.border",
                "widget.button_images.x"
            ]
        );
        let p = problems(json!({"font_family": "x;}</style>"}));
        assert_eq!(p[0].field, "widget.font_family");
    }

    #[test]
    fn uploaded_button_images_are_small_raster_images() {
        let big = "A".repeat(MAX_BUTTON_IMAGE / 3 * 4 + 8);
        let p = problems(json!({"button_images": {
            "x": "data:image/png;base64,iVBORw0KGgo=",
            "email": "data:image/svg+xml;base64,PHN2Zz4=",
            "linkedin": format!("data:image/jpeg;base64,{big}"),
            "facebook": "data:image/gif;base64,not base64!",
        }}));
        let found: Vec<_> = p
            .iter()
            .map(|p| (p.field.as_str(), p.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("widget.button_images.email", "invalid_url"),
                ("widget.button_images.linkedin", "too_large"),
                ("widget.button_images.facebook", "invalid_url"),
            ]
        );
        assert!(p[1].message.contains("at most 32 KiB"), "{}", p[1].message);
        assert_eq!(image_data_len("data:image/webp;base64,AAAA"), Some(3));
        assert_eq!(image_data_len("data:image/png;base64,AAA="), Some(2));
        assert_eq!(image_data_len("data:image/png;base64,AAA"), None);
    }

    #[test]
    fn share_placeholders_are_known_or_named() {
        assert!(unknown_placeholders("{html_title} — {share_url} {first_name}").is_empty());
        assert!(unknown_placeholders("a { b } {} {{ }} {not closed").is_empty());
        assert_eq!(unknown_placeholders("Hi {name}, {offer_name}"), ["name"]);
    }

    #[test]
    fn an_unknown_share_placeholder_names_its_message() {
        let settings: crate::offer::OfferSettings = serde_json::from_value(json!({
            "name": "x",
            "networks": ["x", "email"],
            "share_messages": {"x": "Join {offer_name}: {share_url}", "email": "Hi {friend}"}
        }))
        .unwrap();
        let p = settings.write_problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "share_messages.email");
        assert_eq!(p[0].code, "unknown_placeholder");
        assert!(p[0].message.contains("{friend}"), "{}", p[0].message);
    }

    proptest! {
        #[test]
        fn an_accepted_colour_never_leaves_its_declaration(value in "\\PC{0,24}") {
            if valid_colour(&value) {
                let escapes = value.contains([';', '{', '}', '<', '>', '"', '\'', '\\', ':']);
                prop_assert!(!escapes, "accepted {:?}", value);
            }
        }

        #[test]
        fn hex_colours_of_the_css_lengths_are_accepted(hex in "[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8}") {
            let colour = format!("#{hex}");
            prop_assert!(valid_colour(&colour));
        }

        #[test]
        fn any_known_key_with_text_is_accepted(i in 0..STRINGS.len(), text in "[a-zA-Zé ✓!]{1,40}") {
            prop_assume!(!text.trim().is_empty());
            let key = STRINGS[i].0;
            let found = problems(json!({"strings": {key: text}}));
            prop_assert!(found.is_empty(), "{:?}", found);
        }
    }
}

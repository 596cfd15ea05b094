//! The tool's own words (headings, prompts), by language. Everything about coaching lives in
//! packs; these are only the frame around it. A language without a table falls back to English.

/// `{n}`-style placeholders are filled by [`fill`].
#[derive(Debug)]
pub struct Ui {
    pub lang: &'static str,
    // The report.
    pub for_whom: &'static str,
    pub reach_out_now: &'static str,
    pub what_fits: &'static str,
    pub no_recommendation: &'static str,
    pub no_recommendation_text: &'static str,
    pub score_of_100: &'static str,
    pub why: &'static str,
    pub counted_against: &'static str,
    pub also_consider: &'static str,
    pub weight: &'static str,
    pub please_note: &'static str,
    pub rules_out_for_now: &'static str,
    pub where_to_find_help: &'static str,
    pub watch_out_for: &'static str,
    pub next_steps: &'static str,
    pub other_answers_wait: &'static str,
    pub answers_not_used: &'static str,
    pub skipped_by_other_answers: &'static str,
    pub footer: &'static str,
    pub ranking: &'static str,
    pub support: &'static str,
    pub every_rule: &'static str,
    pub and: &'static str,
    // The questionnaire.
    pub question_of: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub no_answer: &'static str,
    pub keys_hint: &'static str,
    pub skip_hint: &'static str,
    pub plain_back_hint: &'static str,
    pub plain_choose: &'static str,
    pub plain_choose_many: &'static str,
    pub plain_yes_no: &'static str,
    pub plain_number: &'static str,
    pub plain_invalid: &'static str,
    pub required_answer: &'static str,
    pub out_of_range: &'static str,
    pub review_title: &'static str,
    pub review_done: &'static str,
    pub review_change: &'static str,
    pub carry_on: &'static str,
    pub stop_here: &'static str,
    pub save_to: &'static str,
    pub replace_file: &'static str,
    pub saved: &'static str,
    pub progress_saved: &'static str,
    pub pack_changed: &'static str,
    pub found_progress: &'static str,
    pub no_terminal: &'static str,
}

pub const EN: Ui = Ui {
    lang: "en",
    for_whom: "for {name}",
    reach_out_now: "Please reach out for support now",
    what_fits: "What fits you now: {name}",
    no_recommendation: "No recommendation",
    no_recommendation_text: "Nothing in this pack can be recommended beside what is said above.",
    score_of_100: "{name}: {score} of 100. {band}",
    why: "Why",
    counted_against: "What counted against it",
    also_consider: "Also worth considering",
    weight: "weight {n}",
    please_note: "Please note",
    rules_out_for_now: "For now, this rules out: {names}.",
    where_to_find_help: "Where to find help",
    watch_out_for: "Watch out for",
    next_steps: "Next steps",
    other_answers_wait: "Your other answers were not weighed for now. When you feel safer, you can run the questionnaire again to look at other kinds of support.",
    answers_not_used: "Answers not used",
    skipped_by_other_answers: "your other answers skip this question.",
    footer: "Pack {id} {version} (sha256 {hash}). This is a screen, not a diagnosis.",
    ranking: "Ranking",
    support: "support",
    every_rule: "Why: every rule that applied",
    and: "and",
    question_of: "Question {n} of {m}",
    yes: "Yes",
    no: "No",
    no_answer: "(no answer)",
    keys_hint: "Esc: previous question. Ctrl-C: save and stop.",
    skip_hint: "Optional: press Enter to skip.",
    plain_back_hint: "Type b to go back to the previous question.",
    plain_choose: "Type the number of your answer",
    plain_choose_many: "Type the numbers of your answers, separated by spaces",
    plain_yes_no: "Type y for yes or n for no",
    plain_number: "Type a number",
    plain_invalid: "That is not one of the answers. {hint}.",
    required_answer: "This question needs an answer.",
    out_of_range: "Please give a number from {min} to {max}.",
    review_title: "Your answers. Choose one to change it, or carry on to your report.",
    review_done: "These are right: show my report",
    review_change: "Change",
    carry_on: "Carry on with the questions",
    stop_here: "Stop here (your answers so far are saved)",
    save_to: "Save your answers to",
    replace_file: "{path} already exists. Replace it?",
    saved: "Your answers are saved in {path}; only you can read that file.",
    progress_saved: "Your answers so far are saved in {path}. To carry on: {command}",
    pack_changed: "The questionnaire has changed since you saved your answers. These will be asked again:",
    found_progress: "An unfinished questionnaire is saved in {path}. Carry on with it?",
    no_terminal: "crossroads ask needs a terminal to ask its questions. To assess answers from a file or a script, use: crossroads evaluate ANSWERS",
};

pub const FR: Ui = Ui {
    lang: "fr",
    for_whom: "pour {name}",
    reach_out_now: "Demandez de l'aide dès maintenant",
    what_fits: "Ce qui vous convient maintenant : {name}",
    no_recommendation: "Aucune recommandation",
    no_recommendation_text: "Rien dans ce questionnaire ne peut être recommandé en plus de ce qui est dit plus haut.",
    score_of_100: "{name} : {score} sur 100. {band}",
    why: "Pourquoi",
    counted_against: "Ce qui a joué contre",
    also_consider: "À envisager aussi",
    weight: "poids {n}",
    please_note: "À noter",
    rules_out_for_now: "Pour l'instant, cela écarte : {names}.",
    where_to_find_help: "Où trouver de l'aide",
    watch_out_for: "Points de vigilance",
    next_steps: "Prochaines étapes",
    other_answers_wait: "Vos autres réponses n'ont pas été prises en compte pour l'instant. Quand vous vous sentirez plus en sécurité, vous pourrez refaire le questionnaire pour explorer d'autres formes d'accompagnement.",
    answers_not_used: "Réponses non utilisées",
    skipped_by_other_answers: "vos autres réponses font sauter cette question.",
    footer: "Questionnaire {id} {version} (sha256 {hash}). Ceci est un repérage, pas un diagnostic.",
    ranking: "Classement",
    support: "accompagnement",
    every_rule: "Pourquoi : toutes les règles appliquées",
    and: "et",
    question_of: "Question {n} sur {m}",
    yes: "Oui",
    no: "Non",
    no_answer: "(pas de réponse)",
    keys_hint: "Échap : question précédente. Ctrl-C : enregistrer et arrêter.",
    skip_hint: "Facultatif : appuyez sur Entrée pour passer.",
    plain_back_hint: "Tapez b pour revenir à la question précédente.",
    plain_choose: "Tapez le numéro de votre réponse",
    plain_choose_many: "Tapez les numéros de vos réponses, séparés par des espaces",
    plain_yes_no: "Tapez o pour oui ou n pour non",
    plain_number: "Tapez un nombre",
    plain_invalid: "Ce n'est pas une des réponses possibles. {hint}.",
    required_answer: "Cette question demande une réponse.",
    out_of_range: "Donnez un nombre de {min} à {max}.",
    review_title: "Vos réponses. Choisissez-en une pour la modifier, ou passez à votre bilan.",
    review_done: "C'est juste : afficher mon bilan",
    review_change: "Modifier",
    carry_on: "Continuer le questionnaire",
    stop_here: "M'arrêter ici (mes réponses sont enregistrées)",
    save_to: "Enregistrer vos réponses dans",
    replace_file: "{path} existe déjà. Le remplacer ?",
    saved: "Vos réponses sont enregistrées dans {path} ; vous seul pouvez lire ce fichier.",
    progress_saved: "Vos réponses sont enregistrées dans {path}. Pour reprendre : {command}",
    pack_changed: "Le questionnaire a changé depuis l'enregistrement de vos réponses. Ces questions seront reposées :",
    found_progress: "Un questionnaire inachevé est enregistré dans {path}. Le reprendre ?",
    no_terminal: "crossroads ask a besoin d'un terminal pour poser ses questions. Pour évaluer des réponses depuis un fichier ou un script : crossroads evaluate RÉPONSES",
};

/// The table for `lang`, or English.
pub fn ui(lang: Option<&str>) -> &'static Ui {
    match lang {
        Some("fr") => &FR,
        _ => &EN,
    }
}

/// Replaces each `{key}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |acc, (key, value)| acc.replace(&format!("{{{key}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill(EN.question_of, &[("n", "3"), ("m", "21")]), "Question 3 of 21");
        assert_eq!(ui(Some("fr")).lang, "fr");
        assert_eq!(ui(Some("de")).lang, "en");
    }
}

//! Who is who: a pack's respondent questions (a name, an e-mail address, a code) are the
//! respondent's key wherever the answers come from, and nothing in a pack may read them.

mod common;

use common::{crossroads, text};

/// A CSV with no key column: each row is known by its e-mail address, else its name.
#[test]
fn respondent_questions_are_the_key_when_an_export_has_none() {
    let work = tempfile::tempdir().unwrap();
    let pack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/respondent");
    std::fs::write(
        work.path().join("r.csv"),
        "wants,level,pick,name,email\nno,3,a,Ana Diaz,ana@example.org\nno,4,a,Bo,\nno,2,a,,\n",
    )
    .unwrap();
    let out =
        crossroads(&["screen", "r.csv", "--rules", pack.to_str().unwrap(), "--format", "csv"], work.path());
    let csv = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let keys: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(keys, ["ana@example.org", "Bo", "row 3"], "{csv}");
}

/// Who a person is must not change what is recommended: a pack whose flag reads the name is
/// refused, as is a respondent question that is not free text.
#[test]
fn a_pack_that_reads_who_the_person_is_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let pack = common::fixture("tests/respondent/pack.yaml")
        .replace("when: {any: [{wants: {is: true}}, {pick: {is: b}}]}", "when: {name: {matches: \"^Dr\"}}");
    std::fs::write(work.path().join("pack.yaml"), pack).unwrap();
    let out = crossroads(&["rules", "check", "."], work.path());
    // `rules check` reports on standard output, an author's tool.
    let stderr = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error[bad-respondent]: question `name` names the respondent, and something in the pack reads it"
        ),
        "{stderr}"
    );
}

/// The coach's inbox names each person as their answers do, as text: what they typed is never
/// markup.
#[test]
fn the_inbox_says_who_submitted() {
    use common::intake::Person;
    use common::process::{request, serve};
    let work = tempfile::tempdir().unwrap();
    let pack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/respondent");
    let store = work.path().join("s.sqlite");
    let (_server, at) = serve(
        &["--rules", pack.to_str().unwrap(), "--store", store.to_str().unwrap(), "--rate-limit", "0"],
        work.path(),
    );
    common::add_account(work.path(), &store, "ana", "coach", "correct horse battery staple");
    for (name, email) in [("Ana Diaz", "ana@example.org"), ("<b>Bo</b>", "")] {
        let answers = [("wants", "false"), ("level", "3"), ("pick", "a"), ("name", name), ("email", email)];
        let fields: Vec<(String, String)> =
            answers.iter().map(|(q, v)| (format!("a.{q}"), v.to_string())).collect();
        let page = Person::arrive(at).post(&fields, "submit");
        assert!(page.body.contains("were kept"), "{}", page.body);
    }
    let me = common::intake::ME;
    let csrf = request(me, at, "GET", "/login", &[], b"").cookie("csrf").unwrap();
    let body = format!("csrf={csrf}&name=ana&password=correct+horse+battery+staple");
    let cookie = format!("csrf={csrf}");
    let headers = [("Cookie", cookie.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let session = request(me, at, "POST", "/login", &headers, body.as_bytes()).cookie("session").unwrap();
    let inbox =
        request(me, at, "GET", "/coach", &[("Cookie", &format!("{cookie}; session={session}"))], b"").body;
    assert!(
        inbox.contains(r#"<td data-label="Who">ana@example.org</td>"#),
        "the e-mail address first: {inbox}"
    );
    assert!(
        inbox.contains(r#"<td data-label="Who">&lt;b&gt;Bo&lt;/b&gt;</td>"#) && !inbox.contains("<b>Bo"),
        "{inbox}"
    );
}

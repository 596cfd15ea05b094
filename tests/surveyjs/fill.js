// Fills a SurveyJS form with answers, as a person would, through the real library
// (survey-core): argv[2] is survey-core's folder, argv[3] the form, argv[4] a JSON array of
// answer objects. Prints a JSON array of what SurveyJS keeps for each (its `data` once
// completed, invisible answers cleared as it does by default), with the questions SurveyJS
// finds in error.
const fs = require("fs");
const { Model } = require(process.argv[2]);
const form = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const people = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const out = people.map((answers) => {
  const survey = new Model(form);
  // In the pack's order, as a person answers: each answer may show the next question.
  for (const [name, value] of Object.entries(answers)) survey.setValue(name, value);
  const valid = survey.validate(false);
  const errors = survey
    .getAllQuestions(true)
    .filter((q) => q.errors.length > 0)
    .map((q) => `${q.name}: ${q.errors.map((e) => e.text).join("; ")}`);
  survey.doComplete();
  return { data: survey.data, valid, errors };
});
process.stdout.write(JSON.stringify(out));

// Validates FHIR R4 resources with a real FHIR library (npm's `fhir`, FHIR.js): argv[2] is its
// folder, the rest are JSON files, each a resource. Prints, for each, the messages of severity
// error or warning (information about value sets it does not hold is left out).
const fs = require("fs");
const { Fhir } = require(process.argv[2]);
const fhir = new Fhir();
const out = process.argv.slice(3).map((file) => {
  const result = fhir.validate(JSON.parse(fs.readFileSync(file, "utf8")));
  const serious = result.messages.filter((m) => m.severity === "error" || m.severity === "warning");
  return { file, valid: result.valid, messages: serious };
});
process.stdout.write(JSON.stringify(out));

// Runs a Google Apps Script that builds a form (argv[2]) against a stand-in for FormApp that
// records every item it makes, and refuses any method the real item type does not have (the
// methods below are those of Google's reference, as @types/google-apps-script declares them).
// Prints the items as JSON.
const fs = require("fs");
const vm = require("vm");

const items = [];
const common = ["setTitle", "setHelpText", "setRequired"];
const methods = {
  MULTIPLE_CHOICE: [...common, "setChoiceValues"],
  CHECKBOX: [...common, "setChoiceValues"],
  SCALE: [...common, "setBounds", "setLabels"],
  TEXT: [...common, "setValidation"],
  PARAGRAPH_TEXT: [...common, "setValidation"],
  GRID: [...common, "setRows", "setColumns"],
  SECTION_HEADER: ["setTitle", "setHelpText"],
};
function strict(target, what) {
  return new Proxy(target, {
    get(t, key) {
      if (key in t) return t[key];
      throw new Error(`${what} has no method ${String(key)}`);
    },
  });
}
function item(type) {
  const record = { type, required: false };
  items.push(record);
  const api = {};
  let self;
  for (const name of methods[type]) {
    api[name] = (...args) => {
      const field = name.slice(3, 4).toLowerCase() + name.slice(4);
      record[field] = args.length === 1 ? args[0] : args;
      return self;
    };
  }
  self = strict(api, type);
  return self;
}
function validation() {
  const rules = [];
  const builder = {};
  for (const name of ["requireNumber", "requireNumberBetween", "requireNumberGreaterThanOrEqualTo",
                      "requireNumberLessThanOrEqualTo", "requireTextIsEmail"]) {
    builder[name] = (...args) => { rules.push([name, ...args]); return self; };
  }
  builder.build = () => ({ rules });
  const self = strict(builder, "TextValidationBuilder");
  return self;
}
let made = null;
const FormApp = strict({
  create(title) {
    made = { title };
    return strict({
      setDescription(d) { made.description = d; },
      addMultipleChoiceItem: () => item("MULTIPLE_CHOICE"),
      addCheckboxItem: () => item("CHECKBOX"),
      addScaleItem: () => item("SCALE"),
      addTextItem: () => item("TEXT"),
      addParagraphTextItem: () => item("PARAGRAPH_TEXT"),
      addGridItem: () => item("GRID"),
      addSectionHeaderItem: () => item("SECTION_HEADER"),
      getEditUrl: () => "https://docs.google.com/forms/d/example/edit",
      getPublishedUrl: () => "https://docs.google.com/forms/d/e/example/viewform",
    }, "Form");
  },
  createTextValidation: validation,
}, "FormApp");
const Logger = { log() {} };
const context = vm.createContext({ FormApp, Logger });
vm.runInContext(fs.readFileSync(process.argv[2], "utf8") + "\ncreateIntakeForm();", context);
process.stdout.write(JSON.stringify({ form: made, items }));

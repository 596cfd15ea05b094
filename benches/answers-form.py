# A persona's whole intake as the form fields the web intake posts (for benches/serve*.sh).
import urllib.parse, yaml
a = yaml.safe_load(open("tests/cases/ready-senior-leader/answers.yaml"))["answers"]
fields = []
for k, v in a.items():
    for x in (v if isinstance(v, list) else [v]):
        fields.append(("a." + k, "true" if x is True else "false" if x is False else str(x)))
print(urllib.parse.urlencode(fields))

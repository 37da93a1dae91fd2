"""How long an officer's or an agency system's inputs on a sub-case may be: one set of bounds
for the workbench's forms and the API's schemas."""

NOTE_MAX = 2000
NAME_MAX = 120
NUMBER_MAX = 60
LINE_MAX = 200
LINES_MAX = 30

// Runs once, when the MongoDB container initialises an empty data directory (as root).
// Creates the application's user with readWrite on its own database and nothing else.
const fs = require("fs");

const password = fs.readFileSync("/run/secrets/mongo_app_password", "utf8").trim();
db.getSiblingDB("ibtool").createUser({
  user: "ibtool",
  pwd: password,
  roles: [{ role: "readWrite", db: "ibtool" }],
});

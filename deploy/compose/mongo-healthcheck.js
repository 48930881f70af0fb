// The MongoDB service's healthcheck: initiates the single-node replica set on the first run,
// then reports healthy only once this node is the writable primary, which the app needs.
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
}
if (!db.hello().isWritablePrimary) quit(1);

// A one-off task for the examples: "migrates" a database, then exits 0 (and is not restarted).
console.log(`migrating ${process.env.DATABASE_URL} ...`);
setTimeout(() => console.log('migrations done'), 500);

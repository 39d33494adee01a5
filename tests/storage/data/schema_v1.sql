-- A database saved by schema version 1 (the first schema). Frozen: never regenerate.
PRAGMA user_version=1;
BEGIN TRANSACTION;
CREATE TABLE answers (
	entry_id INTEGER NOT NULL, 
	field VARCHAR(60) NOT NULL, 
	value TEXT NOT NULL, 
	updated_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (entry_id, field), 
	FOREIGN KEY(entry_id) REFERENCES entries (id) ON DELETE CASCADE
);
INSERT INTO "answers" VALUES(1,'name','"旧版用户"','2026-03-01T10:00:00');
INSERT INTO "answers" VALUES(1,'mobile','"13800000000"','2026-03-01T10:00:00');
INSERT INTO "answers" VALUES(2,'title','"旧论文一"','2026-03-01T10:00:00');
INSERT INTO "answers" VALUES(3,'title','"旧论文二"','2026-03-01T10:00:00');
CREATE TABLE applications (
	id INTEGER NOT NULL, 
	person_name TEXT NOT NULL, 
	year INTEGER NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	updated_at VARCHAR(32) NOT NULL, 
	ui_state TEXT NOT NULL, 
	carried_from INTEGER, 
	PRIMARY KEY (id)
);
INSERT INTO "applications" VALUES(1,'旧版用户',2025,'2026-03-01T10:00:00','2026-03-01T10:00:00','{}',NULL);
CREATE TABLE attachments (
	id INTEGER NOT NULL, 
	application_id INTEGER NOT NULL, 
	section VARCHAR(40), 
	entry_id INTEGER, 
	kind VARCHAR(60) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	original_name TEXT NOT NULL, 
	display_name TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	edits TEXT NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(application_id) REFERENCES applications (id) ON DELETE CASCADE, 
	FOREIGN KEY(entry_id) REFERENCES entries (id) ON DELETE CASCADE, 
	FOREIGN KEY(sha256) REFERENCES blobs (sha256)
);
CREATE TABLE blobs (
	sha256 VARCHAR(64) NOT NULL, 
	size INTEGER NOT NULL, 
	media_type VARCHAR(80) NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (sha256)
);
CREATE TABLE entries (
	id INTEGER NOT NULL, 
	application_id INTEGER NOT NULL, 
	section VARCHAR(40) NOT NULL, 
	position INTEGER NOT NULL, 
	review_note TEXT NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(application_id) REFERENCES applications (id) ON DELETE CASCADE
);
INSERT INTO "entries" VALUES(1,1,'basic',0,'','2026-03-01T10:00:00');
INSERT INTO "entries" VALUES(2,1,'papers',0,'','2026-03-01T10:00:00');
INSERT INTO "entries" VALUES(3,1,'papers',1,'','2026-03-01T10:00:00');
CREATE TABLE section_flags (
	application_id INTEGER NOT NULL, 
	section VARCHAR(40) NOT NULL, 
	not_applicable BOOLEAN NOT NULL, 
	PRIMARY KEY (application_id, section), 
	FOREIGN KEY(application_id) REFERENCES applications (id) ON DELETE CASCADE
);
CREATE TABLE settings (
	"key" VARCHAR(80) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key"), 
	UNIQUE ("key")
);
COMMIT;

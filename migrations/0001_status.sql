CREATE TABLE "audit_checkpoint" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"first_seq" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"last_hash" char(64) NOT NULL,
	"entries" integer NOT NULL,
	"archive_key" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "audit_checkpoint_last_seq_unique" UNIQUE("last_seq")
);
--> statement-breakpoint
CREATE TABLE "layer_state" (
	"project" text NOT NULL,
	"layer" text NOT NULL,
	"state" text NOT NULL,
	"reason" text NOT NULL,
	"latency_ms" real NOT NULL,
	"changed_at" timestamp (3) with time zone NOT NULL,
	"checked_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "layer_state_project_layer_pk" PRIMARY KEY("project","layer")
);
--> statement-breakpoint
CREATE TABLE "layer_transition" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project" text NOT NULL,
	"layer" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"reason" text NOT NULL,
	"latency_ms" real NOT NULL,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "layer_transition_project_idx" ON "layer_transition" USING btree ("project","id");--> statement-breakpoint
CREATE INDEX "layer_transition_layer_idx" ON "layer_transition" USING btree ("project","layer","id");
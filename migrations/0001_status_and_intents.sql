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
CREATE TABLE "intent_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intent_id" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_client" text NOT NULL,
	"actor_person" text,
	"action" text NOT NULL,
	"allowed" boolean NOT NULL,
	"rule" text NOT NULL,
	"reason" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"commit" text
);
--> statement-breakpoint
CREATE TABLE "intents" (
	"id" text PRIMARY KEY NOT NULL,
	"project" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"reason" text,
	"state" text NOT NULL,
	"version" integer NOT NULL,
	"proposer_client" text NOT NULL,
	"proposer_person" text,
	"proposer_label" text NOT NULL,
	"idempotency_key" text,
	"proposed_commit" text,
	"approved_commit" text,
	"approved_by" text,
	"approved_at" timestamp (3) with time zone,
	"approval_expires_at" timestamp (3) with time zone,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"execution" jsonb,
	"outcome" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "intent_decisions" ADD CONSTRAINT "intent_decisions_intent_id_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."intents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "layer_transition_project_idx" ON "layer_transition" USING btree ("project","id");--> statement-breakpoint
CREATE INDEX "layer_transition_layer_idx" ON "layer_transition" USING btree ("project","layer","id");--> statement-breakpoint
CREATE INDEX "intent_decisions_intent_idx" ON "intent_decisions" USING btree ("intent_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "intents_idempotency_idx" ON "intents" USING btree ("project","proposer_label","idempotency_key");--> statement-breakpoint
CREATE INDEX "intents_project_created_idx" ON "intents" USING btree ("project","created_at","id");--> statement-breakpoint
CREATE INDEX "intents_project_state_idx" ON "intents" USING btree ("project","state");
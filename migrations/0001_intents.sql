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
CREATE INDEX "intent_decisions_intent_idx" ON "intent_decisions" USING btree ("intent_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "intents_idempotency_idx" ON "intents" USING btree ("project","proposer_label","idempotency_key");--> statement-breakpoint
CREATE INDEX "intents_project_created_idx" ON "intents" USING btree ("project","created_at","id");--> statement-breakpoint
CREATE INDEX "intents_project_state_idx" ON "intents" USING btree ("project","state");
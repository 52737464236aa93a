/*
 * holdfast.pml: the holdfast plan/enact protocol (src/control/), for spin.
 *
 * Actors: one planner (Planner), NENACT enactors (Enactor, each running the Janitor after a
 * publish), one periodic janitor (Janitor::start), and one operator who deletes or corrupts
 * one plan by hand (the fault of L1). They share nothing but the store (common.pml).
 * Every comment "Foo::bar" names the C++ function whose store call the step models; see
 * model/README.md for the full mapping and for what is left out.
 *
 * Checked: S1, S2, S4 (common.pml, after every store write), S5 (at every clean-up delete),
 * and with -DLIVENESS the LTL property L1 below under weak fairness.
 */

/* What the DNS server answers: Publisher builds snapshots from published/<e> alone, whose
 * record carries the addresses inline (PublishedRecord::addresses); it never reads plans/. */
#define SERVED(e) pub_addr[e]

#include "common.pml"

/* ---- Janitor::cleanEndpoint (prepare, then commit once) ------------------------------------
 * Used by the enactor after a publish (Enactor::enactEndpoint) and by the periodic janitor
 * (Janitor::runOnce). p, rev, doomed, i are the caller's locals; all are left 0.
 * Janitor::prepare makes two reads, get(published/<e>) then range(plans/<e>/); they are one
 * step here. That loses nothing: between them other actors can only add plan keys above
 * every published generation (never doomed), delete keys (deleting an absent key is a no-op
 * in the txn) or corrupt plans (the janitor looks at keys only).
 */
inline clean_endpoint(e, p, rev, doomed, i) {
  /* Janitor::prepare: readPublished (value and mod_revision), then range(plans/<e>/):
   * doomed = every plan key with g < p - keep_plans (nothing while p <= keep_plans) */
  d_step {
    p = pub_gen[e]; rev = pub_rev[e];
    doomed = 0; i = 1;
    do
    :: i <= G -> if :: PLAN(e, i) != ABSENT && i + K < p -> doomed = doomed | (1 << i) :: else fi; i++
    :: else -> break
    od;
    i = 0;
    if :: doomed == 0 -> p = 0; rev = 0 :: else fi
  };
  if
  :: doomed != 0 ->
     /* Janitor::commit: one txn: compare published/<e> mod_revision == rev, delete doomed */
     d_step {
       if
       :: pub_rev[e] == rev ->                  /* S5: still the published record judged */
          i = 1;
          do
          :: i <= G -> if :: doomed & (1 << i) -> cleanup_delete(e, i) :: else fi; i++
          :: else -> break
          od;
          i = 0
       :: else ->                               /* kAborted: "the published record changed" */
          printf("@@ clean-up (pid %d): endpoint %d aborted, published changed\n", _pid, e)
       fi;
       p = 0; rev = 0; doomed = 0
     }
  :: else -> skip                               /* nothing to delete */
  fi
}

/* ---- Planner ----------------------------------------------------------------------------
 * Planner::planEndpoint -> tryWrite, modelled as one step per new plan. In the C++ code it is
 * four store calls: range(health/<e>/) (computeDesired; readObservations and decidePlan in
 * the blast-radius rework), range(plans/<e>/) (readPlanState),
 * get(published/<e>), and one txn that compares plans/<e>/latest's mod_revision and that the
 * new key is absent. Collapsing them loses nothing here, because with one planner:
 *  - nobody else writes plans/<e>/latest or creates plan keys, so the txn cannot lose;
 *  - the generation written, max(every plan key, the latest pointer, published) + 1, is the
 *    same whenever it is read: the others only delete or corrupt plan keys (the pointer stays)
 *    or publish a generation that some plan key already had;
 *  - whether a plan is due (kUnchanged, or kFrozen/held back by a blast-radius policy, or
 *    not) depends on health, which is not modelled: the planner may write a new generation
 *    at any moment, or never again.
 */
active proctype planner() {
  byte e;            /* endpoint being planned (planAll visits all; any order is a superset) */
  byte newest;       /* PlanState::newest, then max with published */
  byte i;

  do
  :: atomic {
       select(e : 0 .. NE - 1);
       d_step {
         newest = latest[e]; i = 1;
         do
         :: i <= G -> if :: PLAN(e, i) != ABSENT && i > newest -> newest = i :: else fi; i++
         :: else -> break
         od;
         i = 0;
         if :: pub_gen[e] > newest -> newest = pub_gen[e] :: else fi;  /* L1: plans/ may be gone */
         if
         :: newest < G ->                 /* the model's bound: generations 1..G */
            printf("@@ planner: wrote plan %d of endpoint %d\n", newest + 1, e);
            PLAN(e, newest + 1) = VALID;  /* put plans/<e>/<newest+1> (fail-open: never empty) */
            latest[e] = newest + 1;       /* put plans/<e>/latest, same txn */
            latest_rev[e]++;
            refresh_newest_valid(e)
         :: else -> skip
         fi;
         e = 0; newest = 0
       }
     }
  od
}

/* ---- Enactor ---------------------------------------------------------------------------- */
active [NENACT] proctype enactor() {
  byte e;            /* endpoint of this pass */
  byte pgen;         /* Attempt::published->generation */
  byte prev;         /* Attempt::published_mod_revision */
  byte g;            /* Attempt::plan.generation (its addresses are the token g) */
  byte srev;         /* Attempt::serial_mod_revision */
  bit applied;       /* CommitOutcome::kApplied */
  byte p, jrev, doomed, i;   /* the janitor's locals */

  do
  :: /* Enactor::runOnce: every endpoint, in order (the watch loop runs passes forever) */
     e = 0;
     do
     :: e < NE ->
        /* Enactor::enactEndpoint: prepare() and commit() until applied or up to date. The
         * C++ loop stops after kMaxAttempts (8) refusals; every refusal follows another
         * publish, of which there are at most NE * G here, so with the bounds used the
         * limit is never reached and "until" is exact. */
        do
#ifdef LIVENESS
        :: _pid > 1 -> goto halted   /* enactors 2 and 3 may stop for good (crash, pause); see L1 */
#endif
        :: /* prepare: readPublished (get published/<e>, value and mod_revision) */
           d_step {
             pgen = pub_gen[e]; prev = pub_rev[e];
             printf("@@ enactor %d: endpoint %d reads published: gen %d\n", _pid, e, pgen)
           }
           /* prepare: newestValidPlan (findNewestValidPlan in plan_lookup.cc once the rework
            * lands): get plans/<e>/latest, get that plan and usablePlan; if it is missing
            * or unusable, scanForValidPlan: range(plans/<e>/), newest usable
            * first (L1). One step here, which yields exactly the generations the C++ reads
            * can: with one planner the pointer names the newest key, it only grows, and a
            * plan only ever goes from valid to corrupt or absent. Then prepare's check:
            * a plan not newer than pgen is kUpToDate (g = 0 below). */
           d_step {
             g = latest[e];
             if
             :: g != 0 && PLAN(e, g) == VALID -> skip
             :: else ->
                g = G;
                do
                :: g > 0 && PLAN(e, g) != VALID -> g--
                :: else -> break
                od
             fi;
             if
             :: g <= pgen -> g = 0; prev = 0                    /* S2: only a newer plan */
             :: else -> printf("@@ enactor %d: endpoint %d holds plan %d\n", _pid, e, g)
             fi;
             pgen = 0
           };
           if
           :: g == 0 -> break                /* kUpToDate */
           :: else ->
              /* prepare: readSerial (get zones/<zone>/serial, mod_revision) */
              d_step { srev = ser_rev; printf("@@ enactor %d: reads the zone serial\n", _pid) };
              /* commit -> publishTxn: one txn. The plan is valid and newer than pgen
               * (commit's kInternal guards hold by construction). */
              d_step {
                if
                /* S3: published/<e> is still what prepare() judged, and so is the serial */
                :: (pub_rev[e] == prev) && (ser_rev == srev) ->
                   printf("@@ enactor %d: endpoint %d publishes plan %d (was %d)\n", _pid, e, g, pub_gen[e]);
                   put_published(e, g, g);  /* generation and its addresses, inline (S4) */
                   ser_rev++;               /* serial + journal entry, same txn */
                   applied = 1
                :: else ->                  /* kRefused: "stale write refused" */
                   printf("@@ enactor %d: endpoint %d plan %d refused\n", _pid, e, g);
                   applied = 0
                fi;
                pgen = 0; prev = 0; g = 0; srev = 0
              };
              if
              :: applied ->
                 applied = 0;
                 clean_endpoint(e, p, jrev, doomed, i);  /* janitor_.cleanEndpoint */
                 break                                   /* kApplied */
              :: else -> skip   /* refused: start over from the newest plan, never the held one */
              fi
           fi
        od;
        e++
     :: else -> break
     od;
     e = 0
  od;
halted: skip
}

/* ---- Janitor::start: periodic Janitor::runOnce ------------------------------------------ */
#ifndef NO_JANITOR
active proctype janitor() {
  byte e, p, rev, doomed, i;
  do
  :: e = 0;
     do
     :: e < NE -> clean_endpoint(e, p, rev, doomed, i); e++
     :: else -> break
     od;
     e = 0
  od
}

#endif

#ifndef NO_OPERATOR
/* ---- An operator's hand edit: one plan deleted or corrupted, any one, even the published or
 * the latest. S4 says what is served cannot change; L1 says the enactors get past it. ---- */
active proctype operator() {
  byte e, g;
  /* One step at any moment: pick any endpoint and generation, edit the plan if it exists
   * (if it does not, this operator made no edit, which is also a behaviour to check). */
  atomic {
    select(e : 0 .. NE - 1);
    select(g : 1 .. G);
    if
    :: PLAN(e, g) != ABSENT ->
       if
       :: PLAN(e, g) = ABSENT; printf("@@ operator: deletes plan %d of endpoint %d\n", g, e)
       :: PLAN(e, g) = CORRUPT; printf("@@ operator: corrupts plan %d of endpoint %d\n", g, e)
       fi;
       refresh_newest_valid(e);
       check_served()
    :: else -> skip
    fi;
    e = 0; g = 0
  }
}

#endif

#ifdef LIVENESS
/* L1: whenever a valid plan newer than the published generation exists, one is eventually
 * published (or none is newer any more). Verified under weak fairness (pan -a -f): every
 * actor that can always take a step eventually does. Enactors 2 and 3 may also stop for good
 * (above), so this holds with a single live enactor, whatever the others did before. */
#define pending(e) (newest_valid[e] > pub_gen[e])
ltl L1 {
  [] ((pending(0) -> <> !pending(0))
#if NE > 1
   && (pending(1) -> <> !pending(1))
#endif
  )
}
#endif

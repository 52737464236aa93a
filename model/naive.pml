/*
 * naive.pml: the 2025 plan/enact protocol (shared/research/aws-2025-race.md, sections 1-2),
 * run against the same store and checked for the same properties as holdfast.pml, to show
 * the failure holdfast exists to prevent. No faults are injected: the race alone does it.
 *
 * What differs from holdfast, each taken from the post-event summary:
 *  - one regional plan per generation (the planner writes every endpoint's plan at once);
 *  - an enactor checks ONCE that its plan is newer than what is applied, then applies it to
 *    the endpoints one at a time; each write is a transaction under the endpoint's lock, which
 *    gives mutual exclusion but compares nothing (no mod_revision, no generation);
 *  - the published record is a reference (an alias to the plan's record tree), not a copy of
 *    the addresses: if the plan is deleted the endpoint answers NOERROR with no address;
 *  - after applying, the enactor deletes plans much older than the plan IT applied
 *    (g + keep < its own generation), without looking at what is live.
 */

/* What the DNS server answers: the tree of the plan the alias names, if it still exists. */
#define SERVED(e) ((pub_gen[e] != 0 && PLAN(e, pub_gen[e]) == VALID) -> pub_gen[e] : EMPTY)

#include "common.pml"

/* ---- Planner: a new regional plan, generations 1..G, written for every endpoint at once -- */
active proctype planner() {
  byte e;
  do
  :: d_step {
       latest[0] < G ->
       latest[0]++;
       e = 0;
       do
       :: e < NE -> PLAN(e, latest[0]) = VALID; latest[e] = latest[0]; e++
       :: else -> break
       od;
       e = 0;
       refresh_newest_valid(0);
       printf("@@ planner: wrote plan %d\n", latest[0])
     }
  :: else -> break   /* the model's bound G is reached */
  od
}

/* ---- Enactor ---------------------------------------------------------------------------- */
active [NENACT] proctype enactor() {
  byte g;      /* the plan this enactor picked up */
  byte e, i;

  do
  :: /* pick up the newest plan; the one freshness check: newer than what is applied? */
     d_step {
       g = latest[0];
       e = 0;
       do
       :: e < NE -> if :: pub_gen[e] >= g -> g = 0 :: else fi; e++
       :: else -> break
       od;
       e = 0;
       if :: g != 0 -> printf("@@ enactor %d: picked up plan %d, checked newer than applied\n", _pid, g) :: else fi
     };
     if
     :: g == 0 -> skip   /* nothing newer */
     :: else ->
        /* apply to each endpoint in turn: one locked transaction each, no compare. Another
         * actor may run between any two (lock contention, retries, backoff). */
        do
        :: e < NE ->
           d_step {
             printf("@@ enactor %d: endpoint %d -> plan %d (was %d)\n", _pid, e, g, pub_gen[e]);
             put_published(e, g, EMPTY)
           };
           e++
        :: else -> break
        od;
        e = 0;
        /* clean-up: delete plans "significantly older" than the plan this enactor applied */
        d_step {
          do
          :: e < NE ->
             i = 1;
             do
             :: i <= G ->
                if
                :: PLAN(e, i) != ABSENT && i + K < g ->
                   cleanup_delete(e, i)
                :: else
                fi;
                i++
             :: else -> break
             od;
             e++
          :: else -> break
          od;
          e = 0; i = 0; g = 0
        }
     fi
  od
}

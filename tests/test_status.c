/* specs/status.h: the status names at the JSON boundary and the transition
 * predicates every command checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "specs/status.h"

static const enum container_status all[] = {CS_CREATING, CS_CREATED, CS_RUNNING, CS_PAUSED,
                                            CS_STOPPED};
#define N_ALL (sizeof(all) / sizeof(all[0]))

static void test_names(void **state)
{
    assert_string_equal(container_status_name(CS_CREATING), "creating");
    assert_string_equal(container_status_name(CS_CREATED), "created");
    assert_string_equal(container_status_name(CS_RUNNING), "running");
    assert_string_equal(container_status_name(CS_PAUSED), "paused");
    assert_string_equal(container_status_name(CS_STOPPED), "stopped");
    assert_string_equal(container_status_name((enum container_status)99), "unknown");
    assert_string_equal(container_status_name((enum container_status) - 1), "unknown");
}

static void test_round_trip(void **state)
{
    for (size_t i = 0; i < N_ALL; i++) {
        enum container_status s = (enum container_status) - 1;
        aisbx_error *e = NULL;
        assert_int_equal(container_status_parse(container_status_name(all[i]), &s, &e), 0);
        assert_null(e);
        assert_int_equal(s, all[i]);
    }
}

static void test_parse_errors(void **state)
{
    const char *bad[] = {"", "Running", "running ", "unknown", "stop", "createdx"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum container_status s = CS_RUNNING;
        aisbx_error *e = NULL;
        assert_int_equal(container_status_parse(bad[i], &s, &e), -1);
        assert_non_null(e);
        assert_int_equal(e->errnum, 0);
        assert_non_null(strstr(e->msg, "unknown container status"));
        assert_int_equal(s, CS_RUNNING); /* untouched on failure */
        aisbx_error_free(&e);
    }
    enum container_status s;
    aisbx_error *e = NULL;
    assert_int_equal(container_status_parse(NULL, &s, &e), -1);
    assert_string_equal(e->msg, "unknown container status \"\"");
    aisbx_error_free(&e);
}

/* The whole transition table, one row per status: a change to a rule must
 * change this table too. */
static void test_predicates(void **state)
{
    static const struct {
        enum container_status s;
        bool start, live, pause, resume, delete_no_force, processes, poststop;
    } rows[] = {
        {CS_CREATING, false, false, false, false, true, true, false},
        {CS_CREATED, true, false, true, false, true, true, true}, /* runc pauses it too */
        {CS_RUNNING, false, true, true, false, false, true, true},
        {CS_PAUSED, false, true, false, true, false, true, true},
        {CS_STOPPED, false, false, false, false, true, false, true},
    };
    assert_int_equal(sizeof(rows) / sizeof(rows[0]), N_ALL);
    for (size_t i = 0; i < N_ALL; i++) {
        enum container_status s = rows[i].s;
        print_message("%s\n", container_status_name(s));
        assert_int_equal(cs_can_start(s), rows[i].start);
        assert_int_equal(cs_is_live(s), rows[i].live);
        assert_int_equal(cs_can_pause(s), rows[i].pause);
        assert_int_equal(cs_can_resume(s), rows[i].resume);
        assert_int_equal(cs_can_delete_without_force(s), rows[i].delete_no_force);
        assert_int_equal(cs_has_processes(s), rows[i].processes);
        assert_int_equal(cs_runs_poststop(s), rows[i].poststop);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_predicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

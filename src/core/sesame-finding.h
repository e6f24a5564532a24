/* sesame-finding.h: what the probe results mean, as a checklist shows it
 *
 * A finding is one thing the checks found out that matters to the person:
 * a blocker ("carrier-grade NAT: no forwarding can work"), a warning, a
 * note or a good sign, with a stable id, the ports it concerns, a plain
 * sentence and what to do. Findings are decided once, from the plan and
 * the probe report, by sesame_findings_new() (src/probes/sesame-findings.h);
 * this header is only the model, so that the checklist (in core) can carry
 * them to the writers and say of each forwarding row whether it can work.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sesame-port-range.h"

G_BEGIN_DECLS

/* In the order a checklist lists them: blockers first.
 * The nicks (sesame-core-enums.h) are the strings of the JSON contract. */
typedef enum
{
  SESAME_FINDING_SEVERITY_BLOCKER,
  SESAME_FINDING_SEVERITY_WARNING,
  SESAME_FINDING_SEVERITY_INFO,
  SESAME_FINDING_SEVERITY_OK,
} SesameFindingSeverity;

/* Whether a forwarding row can make its service reachable */
typedef enum
{
  SESAME_WORKS_UNKNOWN,
  SESAME_WORKS_YES,
  SESAME_WORKS_NO,
} SesameWorks;

/* A port or range a finding concerns. A forwarding row is concerned when it
 * has the protocol and its external ports (its internal ports when
 * @internal: the ports the probes checked on this computer) overlap. */
typedef struct
{
  SesameProtocol  protocol;
  SesamePortRange range;
  gboolean        internal;
} SesameFindingPort;

typedef struct
{
  char                  *id;        /* "cgnat", "udp-blocked", "port-not-listening"… */
  SesameFindingSeverity  severity;
  GArray                *ports;     /* element-type SesameFindingPort; empty: no port in particular */
  char                  *title;     /* a short sentence, in the report language */
  char                  *text;      /* what it means */
  char                  *action;    /* nullable: what to do (instead) */
  SesameWorks            works;     /* what it says of the rows it concerns; UNKNOWN: nothing */
  char                  *explanation; /* nullable: what its words mean, one plain line (sesame-glossary.h) */
  char                  *port_title; /* nullable: what it says of each port it concerns, naming
                                      * none, for a row about one port ("Nothing listens on this
                                      * port"); %NULL: @title says it (sesame_finding_get_port_title()) */
} SesameFinding;

SesameFinding         *sesame_finding_new                 (const char             *id,
                                                           SesameFindingSeverity   severity,
                                                           const char             *title,
                                                           const char             *text,
                                                           const char             *action);
void                   sesame_finding_free                (SesameFinding          *finding);
void                   sesame_finding_add_port            (SesameFinding          *finding,
                                                           SesameProtocol          protocol,
                                                           const SesamePortRange  *range,
                                                           gboolean                internal);
gboolean               sesame_finding_concerns            (const SesameFinding    *finding,
                                                           SesameProtocol          protocol,
                                                           const SesamePortRange  *external,
                                                           const SesamePortRange  *internal);
char                  *sesame_finding_port_to_string      (const SesameFindingPort *port);
const char            *sesame_finding_get_port_title      (const SesameFinding    *finding);

const char            *sesame_finding_severity_to_string  (SesameFindingSeverity   severity);
gboolean               sesame_finding_severity_from_string (const char            *text,
                                                            SesameFindingSeverity *severity);
const char            *sesame_works_to_string             (SesameWorks             works);
gboolean               sesame_works_from_string           (const char             *text,
                                                           SesameWorks            *works);

void                   sesame_findings_sort               (GPtrArray              *findings);
const SesameFinding   *sesame_findings_lookup             (GPtrArray              *findings,
                                                           const char             *id);
SesameWorks            sesame_findings_row_works          (GPtrArray              *findings,
                                                           SesameProtocol          protocol,
                                                           const SesamePortRange  *external,
                                                           const SesamePortRange  *internal,
                                                           GPtrArray              *because);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameFinding, sesame_finding_free)

G_END_DECLS

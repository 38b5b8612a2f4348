"""The source deck as data: its slides in order, their words, and the chart ids measured for each.

DECK maps the source deck's slides (../shared/seed/DECK.md) to chart ids;
every text is a msgid, translated where it is shown. reportgen/pages/slides.py
turns it into the slide contexts.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.i18n.catalogs import N_

@dataclass(frozen=True)
class DeckSlide:
    """One slide of the source deck and what this project shows on it (all texts are msgids)."""

    key: str
    """Stable id: the HTML anchor (`#/s6`) and what tests look slides up by."""
    kind: str
    """`title`, `charts`, `matrix`, `matrix-column`, `methods`, `hosts` or `provenance`."""
    deck: str = ""
    """The source deck's slide number(s) it reproduces; empty for slides this project adds."""
    title: str = ""
    kicker: str = ""
    """The deck's section heading above the title, where it has one."""
    bullets: tuple[str, ...] = ()
    """The deck's own words on this slide: claims, shown labelled as the deck's."""
    references: tuple[str, ...] = ()
    """Figures the deck states without measurement, shown as labelled reference claims."""
    charts: tuple[str, ...] = ()
    """Chart ids (C1...C12) measured for this slide, in the order shown."""
    platform: str = ""
    """For `matrix-column`: the matrix column (platform) the slide is about."""
    quote: str = ""
    """A phrase of the deck shown large and untranslated (it is English in the deck)."""


CRITERIA_LINE = N_(
    "Compared on resource efficiency, resource isolation, compatibility, auto scaling, DevOps, MSA and ease of "
    "management"
)

DECK: tuple[DeckSlide, ...] = (
    DeckSlide("s1", "title", "1"),
    DeckSlide(
        "s2",
        "charts",
        "2",
        N_("Evolution of Infrastructure Architectures"),
        bullets=(
            N_("Virtual machines and containers on the same hardware"),
            N_("Resources used for one application, and the spare resources left"),
        ),
        charts=("C1",),
    ),
    DeckSlide(
        "s2-load",
        "charts",
        "",
        N_("Overhead of the hypervisor and the guest OS"),
        charts=("C12",),
    ),
    DeckSlide(
        "s3",
        "matrix-column",
        "3",
        N_("Physical vs virtual servers: the physical server"),
        bullets=(
            CRITERIA_LINE,
            N_("No CPU/memory isolation"),
            N_("Compatibility problems between OSes"),
            N_("No automatic scaling of applications"),
        ),
        platform="process",
    ),
    DeckSlide(
        "s4",
        "matrix-column",
        "4",
        N_("Physical vs virtual servers: the virtual server"),
        bullets=(
            CRITERIA_LINE,
            N_("CPU/memory isolation"),
            N_("Overhead of the hypervisor and the guest OS"),
            N_("Compatibility problems between different VM technologies"),
            N_("No automatic scaling of applications"),
        ),
        platform="vm",
    ),
    DeckSlide("s5", "matrix", "5", N_("Physical server vs virtual server vs container")),
    DeckSlide(
        "s6",
        "charts",
        "6",
        N_("Start time: containers vs VMs"),
        bullets=(
            N_(
                "Hardware virtualisation virtualises the CPU, memory and disks, so the hardware and the OS have to "
                "boot (booting takes minutes)"
            ),
            N_(
                "With container virtualisation the OS is already running when a container starts (starting the "
                "process takes seconds)"
            ),
        ),
        references=(N_("VM start: minutes. Container start: seconds."),),
        charts=("C3",),
    ),
    DeckSlide(
        "s7",
        "charts",
        "7",
        N_("Huge image size"),
        bullets=(N_("VMs are managed as templates, but their size makes reuse hard"),),
        charts=("C4",),
    ),
    DeckSlide(
        "s8",
        "charts",
        "8",
        N_("Slow start"),
        bullets=(
            N_("At boot, everything from the hypervisor through the OS and the middleware to the application has to run"),
        ),
        charts=("C5",),
    ),
    DeckSlide(
        "s9",
        "charts",
        "9",
        N_("Environment drift between VMs"),
        bullets=(N_("Each VM is changed on its own after creation, so configurations and environments drift apart"),),
        charts=("C6",),
    ),
    DeckSlide(
        "s10",
        "charts",
        "10",
        N_("Small image size"),
        kicker=N_("Containers solve the virtual server's problems"),
        bullets=(
            N_("Containers manage an image in layers, adding and removing files layer by layer"),
            N_("Optimising the size of each layer keeps the image as small as possible"),
        ),
        charts=("C7",),
    ),
    DeckSlide(
        "s11",
        "charts",
        "11",
        N_("Fast start"),
        kicker=N_("Containers solve the virtual server's problems"),
        bullets=(
            N_("A container runs as an isolated process and needs no OS boot, so its start time can be kept to a minimum"),
        ),
        charts=("C3", "C5"),
        quote="Container = Process",
    ),
    DeckSlide(
        "s12",
        "charts",
        "12",
        N_("High portability"),
        kicker=N_("Containers solve the virtual server's problems"),
        bullets=(N_("Libraries and dependencies ship inside the image, so environment problems are rare"),),
        charts=("C8",),
    ),
    DeckSlide(
        "s13",
        "charts",
        "13",
        N_("Density: virtualisation vs containers"),
        bullets=(N_("Virtualisation: 16 Tomcat instances"), N_("Containers: 40 Tomcat instances")),
        references=(N_("On the same hardware: 16 Tomcat instances as VMs, 40 as containers."),),
        charts=("C9",),
    ),
    DeckSlide(
        "s14",
        "charts",
        "",
        N_("Resource isolation: the noisy neighbour"),
        bullets=(
            N_("Physical server: no CPU/memory isolation"),
            N_("Virtual server and container: CPU/memory isolation"),
        ),
        charts=("C10",),
    ),
    DeckSlide(
        "s15",
        "charts",
        "",
        N_("Automatic scaling and self-healing"),
        bullets=(
            N_("Physical and virtual servers: no automatic scaling of applications"),
            N_("Container: automatic scaling and self-healing"),
        ),
        charts=("C11",),
    ),
    DeckSlide("methods", "methods", "", N_("How it was measured")),
    DeckSlide("hosts", "hosts", "", N_("Host and run")),
    DeckSlide("provenance", "provenance", "", N_("Provenance")),
)
"""The deck in order: the source deck's slides 1-13, its isolation and scaling bullets, then methods and provenance."""

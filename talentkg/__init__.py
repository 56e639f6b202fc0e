"""talentkg: a knowledge graph of China's foreign-talent work-permit policy."""

__version__ = "0.1.0"


def __getattr__(name):  # lazy: `import talentkg` stays cheap for the CLI
    if name == "KnowledgeGraph":
        from talentkg.kg import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(name)

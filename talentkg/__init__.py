"""talentkg: a knowledge graph of China's foreign-talent work-permit policy."""
__version__ = "0.1.0"

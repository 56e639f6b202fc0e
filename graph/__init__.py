"""Package marker: this folder ships inside the talentkg wheel."""

@NullMarked
package org.overturn.trials;

import org.jspecify.annotations.NullMarked;
